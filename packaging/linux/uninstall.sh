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
prefix=${XDG_DATA_HOME:-$HOME/.local/share}
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$prefix/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$prefix/icons/hicolor" || true
echo "Removed @APP_NAME@."
