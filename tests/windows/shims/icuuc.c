/*
 * icuuc.dll for the Windows lane: fills a Wine 8 gap.
 *
 * Qt6Core.dll (PySide6 6.11) imports ICU's converter functions from icuuc.dll, which Windows 10 1903+ ships in
 * system32 and Wine 8 does not have, so importing PySide6.QtCore fails ("DLL load failed"). Qt uses these only
 * for codecs it does not implement itself (UTF-8/16/32 and Latin-1 are its own); the stub says "no converter"
 * (ucnv_open fails with U_FILE_ACCESS_ERROR, no converter names), which Qt handles as an unknown codec.
 *
 * Built by tests/windows/setup.sh with mingw-w64 into the lane's Wine prefix (system32), never into the app:
 * on Windows the real icuuc.dll is used.
 */
#include <stddef.h>
#include <stdint.h>

typedef int UErrorCode;
typedef struct UConverter UConverter;
#define EXPORT __declspec(dllexport)
#define U_FILE_ACCESS_ERROR 4

static void fail(UErrorCode *err) { if (err && *err <= 0) *err = U_FILE_ACCESS_ERROR; }

EXPORT UConverter *ucnv_open(const char *name, UErrorCode *err) { (void)name; fail(err); return NULL; }
EXPORT void ucnv_close(UConverter *cnv) { (void)cnv; }
EXPORT void ucnv_reset(UConverter *cnv) { (void)cnv; }
EXPORT int8_t ucnv_getMaxCharSize(const UConverter *cnv) { (void)cnv; return 1; }
EXPORT const char *ucnv_getName(const UConverter *cnv, UErrorCode *err) { (void)cnv; fail(err); return NULL; }
EXPORT const char *ucnv_getStandardName(const char *name, const char *standard, UErrorCode *err)
{ (void)name; (void)standard; fail(err); return NULL; }
EXPORT const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
EXPORT int32_t ucnv_countAvailable(void) { return 0; }
EXPORT int32_t ucnv_toUCountPending(const UConverter *cnv, UErrorCode *err) { (void)cnv; fail(err); return 0; }
EXPORT int32_t ucnv_fromUCountPending(const UConverter *cnv, UErrorCode *err) { (void)cnv; fail(err); return 0; }
EXPORT void ucnv_getToUCallBack(const UConverter *cnv, void **action, const void **context)
{ (void)cnv; if (action) *action = NULL; if (context) *context = NULL; }
EXPORT void ucnv_getFromUCallBack(const UConverter *cnv, void **action, const void **context)
{ (void)cnv; if (action) *action = NULL; if (context) *context = NULL; }
EXPORT void ucnv_setToUCallBack(UConverter *cnv, void *action, const void *context, void **old_action,
                                const void **old_context, UErrorCode *err)
{ (void)cnv; (void)action; (void)context; (void)old_action; (void)old_context; fail(err); }
EXPORT void ucnv_setFromUCallBack(UConverter *cnv, void *action, const void *context, void **old_action,
                                  const void **old_context, UErrorCode *err)
{ (void)cnv; (void)action; (void)context; (void)old_action; (void)old_context; fail(err); }
EXPORT void ucnv_toUnicode(UConverter *cnv, void **target, const void *target_limit, const char **source,
                           const char *source_limit, int32_t *offsets, int8_t flush, UErrorCode *err)
{ (void)cnv; (void)target; (void)target_limit; (void)source; (void)source_limit; (void)offsets; (void)flush; fail(err); }
EXPORT void ucnv_fromUnicode(UConverter *cnv, char **target, const char *target_limit, const void **source,
                             const void *source_limit, int32_t *offsets, int8_t flush, UErrorCode *err)
{ (void)cnv; (void)target; (void)target_limit; (void)source; (void)source_limit; (void)offsets; (void)flush; fail(err); }
EXPORT void ucnv_cbToUWriteUChars(void *args, const void *source, int32_t length, int32_t offset, UErrorCode *err)
{ (void)args; (void)source; (void)length; (void)offset; fail(err); }
EXPORT void ucnv_cbFromUWriteUChars(void *args, const void **source, const void *source_limit, int32_t offset,
                                    UErrorCode *err)
{ (void)args; (void)source; (void)source_limit; (void)offset; fail(err); }
/* The substitute callbacks Qt installs: never called, since no converter is ever opened. */
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(void) {}
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(void) {}
