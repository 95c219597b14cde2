#!/bin/sh
# Runs the given test files only: scripts/test-one.sh test/integration/clubs/*.test.ts
# (the same as `npx mocha <files>`: .mocharc.json names no spec; `npm test` names them all).
exec npx mocha "$@"
