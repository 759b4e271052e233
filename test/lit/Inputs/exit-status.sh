#!/bin/sh
# Runs a command and prints its exit status last, for tests that check the
# exact status (lit's shell has no $?).
"$@"
echo "exit status: $?"
