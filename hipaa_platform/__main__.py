from hipaa_platform.cli import main

main()
