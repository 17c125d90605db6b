import os
import sys

from skill.cli import main

try:
    sys.exit(main())
except BrokenPipeError:  # `python -m skill evaluate | head`: the reader has gone
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(0)
