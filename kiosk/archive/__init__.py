"""Closed months and years out of the live database, into one archive file per calendar year.

A busy office's audit record (tickets with their queue events, dossiers with their history,
ratings, ...) grows by about 200 MB a year in the station database, which the station only
needs for the last few months. `kiosk archive` (and once a month the station itself,
`[store] archive_keep_months`; with 0, once a year by `archive_keep_years`) moves the
*closed* records of older months into `archive/kiosk-archive-YYYY.db.gz` in the data folder
(the current year's file grows month by month), and nothing is lost for the reader:
`kiosk report`, `kiosk export logbook` and `kiosk dossier show` read an archived year as if it
were live (reading.py: the year's file is unpacked to a private file in the data folder,
attached, and TEMP VIEWs with the live tables' names put the two together). docs/archive.md.

- tables.py     which tables move and which of their rows are closed
- files.py      the archive files: naming, compression, the manifest, checks
- packing.py    what both forms share: pieces of 16 MiB, packed and unpacked two at once
- gzstreams.py  gzip files of independent members that say their lengths (written now)
- xzstreams.py  xz files of independent streams (the years written before, read as they are)
- move.py       one year out of the live database, safe against a power cut at any moment
- reading.py    attaching archived years to a reading connection
"""
