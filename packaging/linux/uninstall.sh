#!/bin/sh
# Remove exactly what install.sh installed (listed in installed-files), then the app folder.
# Your settings and the key in the system keychain are left alone.
set -eu
lib="$HOME/.local/lib/@SLUG@"
manifest="$lib/installed-files"
if [ ! -f "$manifest" ]; then
  echo "@APP_NAME@ is not installed for this user." >&2
  exit 1
fi
while read -r path; do
  rm -f "$path"
done < "$manifest"
rm -rf "$lib"
echo "Removed @APP_NAME@."
