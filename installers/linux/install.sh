#!/bin/sh
# Install the one-folder bundle for the current user: ~/.local/opt/ipdesk, a launcher,
# the icon and the .ipdx file type. Run from the folder holding dist/ipdesk.
# Qt's xcb platform plugin needs Debian/Ubuntu packages libxcb-icccm4 and libxcb-keysyms1
# (sudo apt-get install libxcb-icccm4 libxcb-keysyms1); the offscreen platform needs neither.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$here/../../dist/ipdesk}
prefix=${XDG_DATA_HOME:-$HOME/.local/share}
mkdir -p "$HOME/.local/opt" "$HOME/.local/bin" "$prefix/applications" "$prefix/icons/hicolor/256x256/apps" "$prefix/mime/packages"
rm -rf "$HOME/.local/opt/ipdesk"
cp -r "$src" "$HOME/.local/opt/ipdesk"
ln -sf "$HOME/.local/opt/ipdesk/ipdesk" "$HOME/.local/bin/ipdesk"
cp "$here/ipdesk.desktop" "$prefix/applications/"
cp "$here/../../resources/icons/ipdesk.png" "$prefix/icons/hicolor/256x256/apps/ipdesk.png"
cp "$here/ipdesk-mime.xml" "$prefix/mime/packages/"
command -v update-mime-database >/dev/null && update-mime-database "$prefix/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$prefix/applications" || true
echo "ipdesk installed: $HOME/.local/bin/ipdesk (data stays in ~/.local/share/ipdesk on uninstall)"
