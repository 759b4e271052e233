"""Runs a command with its stderr (and, with --stdout-too, its stdout) on a
pseudo-terminal and prints what the terminal received, byte for byte, with
the control characters made visible: <CR> for a carriage return, <ESC> for
an escape. The terminal is raw (no "\n" -> "\r\n"), so what is shown is what
the program wrote.

    on-terminal.py [--columns N] [--term NAME] [--stdout-too] -- command...

Prints the command's exit status last: `exit status: N`.
"""
import argparse
import fcntl
import os
import struct
import subprocess
import sys
import termios
import tty


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--columns", type=int, default=80)
    parser.add_argument("--term", default="xterm")
    parser.add_argument("--stdout-too", action="store_true")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    master, slave = os.openpty()
    tty.setraw(slave)
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, args.columns, 0, 0))
    env = dict(os.environ)
    if args.term:
        env["TERM"] = args.term
    else:
        env.pop("TERM", None)
    env.pop("COLUMNS", None)
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                             stdout=slave if args.stdout_too else None,
                             stderr=slave, env=env)
    os.close(slave)
    received = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every writer closed the terminal
            break
        if not chunk:
            break
        received += chunk
    status = child.wait()
    os.close(master)
    text = received.replace(b"\r", b"<CR>").replace(b"\x1b", b"<ESC>")
    sys.stdout.flush()
    sys.stdout.buffer.write(text)
    sys.stdout.buffer.write(b"\nexit status: %d\n" % status)


if __name__ == "__main__":
    main()
