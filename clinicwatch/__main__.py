import sys

from clinicwatch.cli import main

sys.exit(main())
