"""Sources of bytes: POSIX pty, ConPTY (pywinpty), pipes and replays (issue 3)."""
