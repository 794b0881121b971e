from npl_cli.cli.app import main

main()
