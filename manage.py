#!/usr/bin/env python
from zhengai.__main__ import main

if __name__ == "__main__":
    main()
