#!/bin/sh
# The common VFS tests against the in-memory root file system.
exec "$B/tests/vfs_test" -v rumpfs
