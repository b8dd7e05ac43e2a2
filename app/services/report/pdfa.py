"""PDF/A-2b for the paper copy, written by reportlab itself (no post-processing):

- the header says PDF-1.7 (PDF/A-2 is based on ISO 32000-1);
- an XMP metadata stream in the catalogue with ``pdfaid:part=2``, ``pdfaid:conformance=B``
  and the same title, author, subject, keywords, producer and dates as the Info dictionary
  (Chinese text as UTF-8 in the XMP, UTF-16 in Info);
- an output intent (``GTS_PDFA1``) carrying the sRGB ICC profile (resources/color/sRGB.icc);
- every font embedded (the Song faces and the symbol face, subset); no encryption.

    apply(canvas, title=..., author=..., subject=..., keywords=..., creator=...)

is called from the document template's ``beforeDocument`` hook.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

from app.models.reference import resource

PDF_VERSION = (1, 7)


def _xmp(*, title: str, author: str, subject: str, keywords: str, creator: str, producer: str, created: str,
         lang: str = "zh-CN") -> str:
    e = escape
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(title)}</rdf:li><rdf:li xml:lang="{lang}">{e(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{e(author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Keywords>{e(keywords)}</pdf:Keywords>
   <pdf:Producer>{e(producer)}</pdf:Producer>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>{e(creator)}</xmp:CreatorTool>
   <xmp:CreateDate>{created}</xmp:CreateDate>
   <xmp:ModifyDate>{created}</xmp:ModifyDate>
   <xmp:MetadataDate>{created}</xmp:MetadataDate>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def apply(canv, *, title: str, author: str, subject: str, keywords: str, creator: str) -> None:
    """Make the document ``canv`` writes PDF/A-2b (metadata, output intent, version)."""
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString, XMP

    doc = canv._doc
    doc._pdfVersion = PDF_VERSION
    ts = doc._timeStamp                     # the Info dictionary's CreationDate / ModDate
    y, mo, d, h, mi, s = ts.YMDhms
    created = f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{ts.dhh:+03d}:{abs(ts.dmm):02d}"
    producer = doc.info.producer
    text = _xmp(title=title, author=author, subject=subject, keywords=keywords, creator=creator,
                producer=producer, created=created)
    xmp = XMP(creator=lambda _doc: text.encode("utf-8"))
    xmp.filters = []                        # metadata left unfiltered, readable by any archive tool
    doc.Catalog.Metadata = xmp
    icc = resource("color", "sRGB.icc").read_bytes()
    profile = PDFStream(PDFDictionary({"N": 3}), icc, filters=None)
    intent = PDFDictionary({"Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
                            "OutputConditionIdentifier": PDFString("sRGB IEC61966-2.1"),
                            "Info": PDFString("sRGB IEC61966-2.1"),
                            "DestOutputProfile": doc.Reference(profile)})
    catalog = doc.Catalog
    catalog.__NoDefault__ = [*type(catalog).__NoDefault__, "OutputIntents"]   # a key reportlab does not know
    catalog.__Refs__ = list(type(catalog).__Refs__)                          # (written inline, not referenced)
    catalog.OutputIntents = PDFArray([intent])
