"""`python -m scanner` is the same as the `netwarden` console script."""

from scanner.cli import main

if __name__ == "__main__":
    main()
