"""``python -m tianping`` runs the command line."""

from tianping.cli import main

main()
