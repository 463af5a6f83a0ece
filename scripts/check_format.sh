#!/usr/bin/env bash
# Fails if any C++ source under src/, tests/ or bench/ differs from what clang-format makes of it
# (.clang-format: Google style, 100 columns). Fix with: bash scripts/check_format.sh --fix
set -euo pipefail
cd "$(dirname "$0")/.."
cf=$(command -v clang-format || command -v clang-format-14 || true)
if [ -z "$cf" ]; then
  echo "check_format: clang-format not found (Debian package clang-format; scripts/setup.sh installs it)" >&2
  exit 1
fi
mapfile -t files < <(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 'bench/*.hpp')
if [ "${1:-}" = "--fix" ]; then
  "$cf" -i "${files[@]}"
  echo "check_format: ${#files[@]} files formatted"
  exit 0
fi
if ! "$cf" --dry-run --Werror "${files[@]}" 2>/tmp/check_format.$$; then
  grep -E '^[^ ]+:[0-9]+:[0-9]+: error' /tmp/check_format.$$ | cut -d: -f1 | sort -u | sed 's/^/  not formatted: /' >&2
  rm -f /tmp/check_format.$$
  echo "check_format: run 'bash scripts/check_format.sh --fix' and commit the result" >&2
  exit 1
fi
rm -f /tmp/check_format.$$
echo "check_format: ${#files[@]} files formatted as .clang-format says"
