"""Reference emulators (xterm.js, tmux) that the VT engine's tests measure against."""
