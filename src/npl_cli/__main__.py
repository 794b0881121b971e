from npl_cli.cli.start import main

main()
