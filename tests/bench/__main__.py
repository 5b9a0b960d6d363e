from tests.bench.bench import main

raise SystemExit(main())
