"""The CLI's commands, one module each; `scanner.cli` assembles them."""
