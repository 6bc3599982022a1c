from hicmonitor.cli import main

main()
