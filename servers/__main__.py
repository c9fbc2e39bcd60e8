import sys

from servers.runner import main

sys.exit(main())
