"""One module per harness command; each has register(subparsers) and run(args)."""
