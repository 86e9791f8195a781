"""The markers 年报编辑器 puts in the Word files and web pages it writes, so that it recognises
them when reading them back: shared by :mod:`exporters.document` (writing) and
:mod:`importers.own` / :mod:`importers.docx` (reading), neither of which imports the other.
"""

from __future__ import annotations

GENERATOR = "年报编辑器"
#: Document category (Word) / ``<meta name="category">`` (web page) of what we write.
CATEGORY = "政府信息公开工作年度报告"
#: Namespace of the Word file's custom XML part holding the editor's extra data.
DATA_NS = "urn:nianbao-editor:report-extras"
#: ``<meta name=…>`` of the web page holding the editor's extra data.
DATA_META = "nianbao-report"
