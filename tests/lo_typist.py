"""Type into a workbook's cells as a clerk does in LibreOffice Calc, and save it with Calc's own
.xlsx writer. Run by a Python that has LibreOffice's ``uno`` module (Debian: /usr/bin/python3 with
python3-uno), against a ``soffice --headless --accept=socket,...`` the test started::

    python3 tests/lo_typist.py PORT FILE.xlsx SHEET B7=12.5% B8=33 ...

Each entry goes through Calc's input line (``.uno:EnterString`` on the cell: the cell's number
format decides what a typed ``33`` means, exactly as at the keyboard). Prints ``CELL<TAB>value<TAB>shown``
for each entry, then ``saved``.
"""
import os
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(port, path, sheet, *entries):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(200):
        try:
            ctx = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
            break
        except Exception:
            time.sleep(0.2)
    else:
        raise SystemExit("LibreOffice did not answer")
    smgr = ctx.ServiceManager
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    url = uno.systemPathToFileUrl(os.path.abspath(path))
    doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
    ctrl = doc.getCurrentController()
    frame = ctrl.getFrame()
    dispatch = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    ws = doc.Sheets.getByName(sheet)
    ctrl.setActiveSheet(ws)
    for entry in entries:
        ref, text = entry.split("=", 1)
        dispatch.executeDispatch(frame, ".uno:GoToCell", "", 0, (prop("ToPoint", ref),))
        dispatch.executeDispatch(frame, ".uno:EnterString", "", 0, (prop("StringName", text),))
        cell = ws.getCellRangeByName(ref)
        print(f"{ref}\t{cell.getValue()}\t{cell.getString()}", flush=True)
    doc.storeToURL(url, (prop("FilterName", "Calc MS Excel 2007 XML"),))
    print("saved", flush=True)
    doc.close(True)


if __name__ == "__main__":
    main(*sys.argv[1:])
    sys.stdout.flush()
    os._exit(0)          # the bridge's teardown can crash the interpreter after the work is done
