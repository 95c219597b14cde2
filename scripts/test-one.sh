#!/bin/sh
# Runs the given test files only: scripts/test-one.sh test/integration/clubs/*.test.ts
exec npx mocha --no-config --node-option import=tsx --require test/setup.ts --timeout 20000 "$@"
