#!/bin/sh
# Install Close Contact Viewer for the current user (no root needed):
#   the app into ~/.local/lib/@SLUG@, a launcher in ~/.local/bin, the menu entry,
#   the AppStream metainfo and the icons under ~/.local/share.
# Everything installed is listed in ~/.local/lib/@SLUG@/installed-files, which uninstall.sh removes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${XDG_DATA_HOME:-$HOME/.local/share}
lib="$HOME/.local/lib/@SLUG@"
bin="$HOME/.local/bin"
manifest="$lib/installed-files"

rm -rf "$lib"
mkdir -p "$lib" "$bin" "$prefix/applications" "$prefix/metainfo"
cp -R "$here/app/." "$lib/"
cp "$here/uninstall.sh" "$lib/uninstall.sh"
ln -sf "$lib/@SLUG@" "$bin/@SLUG@"
{
  echo "$bin/@SLUG@"
  sed "s|^Exec=.*|Exec=$lib/@SLUG@ %u|" "$here/share/applications/@APP_ID@.desktop" > "$prefix/applications/@APP_ID@.desktop"
  echo "$prefix/applications/@APP_ID@.desktop"
  cp "$here/share/metainfo/@APP_ID@.metainfo.xml" "$prefix/metainfo/"
  echo "$prefix/metainfo/@APP_ID@.metainfo.xml"
  (cd "$here/share" && find icons -type f) | while read -r icon; do
    mkdir -p "$(dirname "$prefix/$icon")"
    cp "$here/share/$icon" "$prefix/$icon"
    echo "$prefix/$icon"
  done
} > "$manifest.tmp"
mv "$manifest.tmp" "$manifest"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$prefix/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$prefix/icons/hicolor" || true
echo "Installed @APP_NAME@ @VERSION@: find it in your applications menu, or run $bin/@SLUG@"
