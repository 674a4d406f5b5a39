/*
 * bcryptprimitives.dll for the Windows lane: fills a Wine 8 gap.
 *
 * pywinpty's _winpty.pyd (Rust's standard library) imports ProcessPrng from bcryptprimitives.dll, which Wine 8
 * does not have, so `import winpty` fails ("DLL load failed"). ProcessPrng fills a buffer with random bytes and
 * always succeeds; BCryptGenRandom with the system RNG does the same, and Wine 8 has it.
 *
 * With it pywinpty imports (and PyInstaller can analyse it for the Windows build), and the `conpty` backend
 * reports what Wine cannot do instead of failing on import. Built by tests/windows/setup.sh with mingw-w64 into
 * the lane's Wine prefix (system32), never into the app.
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length) {
        ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += n;
        length -= n;
    }
    return TRUE;
}
