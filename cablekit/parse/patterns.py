"""The shared tables of the parser: every word list and every pattern that more than one
step reads, in one place.

Words: precedence, post prefixes and station aliases, caveats, known TAGS,
title words, words that are never stations or signers. Patterns: how
classification levels, caveats and paragraph markings are written, the field
keywords of the preamble (each field's spellings at the start of a line and
inside running text), paragraph numbers, the date-time group and the
partial-extract sentence. The classification levels themselves are in
`cablekit.record.LEVELS`.
"""

from __future__ import annotations

import re

from ..record import (
    LEVELS,
    STATION_ALIASES,  # noqa: F401 - re-exported for the parse steps
)

# --- words -----------------------------------------------------------------------------

# Precedence letters of the date-time group line and the words they stand for.
PRECEDENCE_LETTERS = {
    "Z": "FLASH",
    "O": "IMMEDIATE",
    "P": "PRIORITY",
    "R": "ROUTINE",
    "Y": "EMERGENCY",
}

# Addressee precedence words, with the misspellings seen in real headers.
PRECEDENCE_WORDS = {
    "FLASH": "FLASH",
    "IMMEDIATE": "IMMEDIATE",
    "IMMEDAITE": "IMMEDIATE",
    "IMMEDIAT": "IMMEDIATE",
    "PRIORITY": "PRIORITY",
    "PRIOITY": "PRIORITY",
    "PIORITY": "PRIORITY",
    "PRIORTY": "PRIORITY",
    "PRIORIY": "PRIORITY",
    "PRORITY": "PRIORITY",
    "ROUTINE": "ROUTINE",
    "ROUINE": "ROUTINE",
    "EMERGENCY": "EMERGENCY",
}

# Plain-language address prefixes that name the kind of post, not the place.
POST_PREFIXES = (
    "AMEMBASSY",
    "AMCONSUL",
    "AMCONGEN",
    "USMISSION",
    "USDEL",
    "USLO",
    "USINT",
    "USOFFICE",
    "AMEMB",
    "US EMBASSY",
    "EMBASSY",
    "CONSULATE",
    "AMERICAN EMBASSY",
    "AMERICAN CONSULATE",
)

# (The table of station aliases is the record's: ids are canonicalised with it too.)

# Words that can precede a number in a REF item without making it a cable
# citation ("EMAIL OF 3/20/08", "UNSCR 1244", "IIR 6 832 0123 07").
NOT_STATIONS = frozenset(
    """
    A AN AND AS AT BY FOR FROM IN OF ON OR THE TO WITH DATED NO NOS NUMBER NR
    PARA PARAS PARAGRAPH PARAGRAPHS SECTION SECTIONS PAGE PAGES ITEM POINT
    EMAIL E-MAIL MAIL MESSAGE LETTER NOTE DIPNOTE MEMO MEMCON TELCON CALL FAX
    IIR OSC FBIS UNSCR UNSC RESOLUTION RES LAW PL ACT ARTICLE DECREE CODE
    CHAPTER TITLE USC CFR HR JANUARY FEBRUARY MARCH APRIL MAY JUNE JULY AUGUST
    SEPTEMBER OCTOBER NOVEMBER DECEMBER JAN FEB MAR APR JUN JUL AUG SEP SEPT
    OCT NOV DEC YEAR FY TDY CERP ANNEX ENCLOSURE TAB REPORT
    SEE CF ALSO PER VIA REF REFS REFTEL REFTELS PREVIOUS ROOM TOTAL
    EMAILS E-MAILS MAILS MESSAGES LETTERS NOTES MEMOS CALLS NOTICE THRU THROUGH
    COMMITTEE DTG MSG ATTACHMENT ATTACHMENTS
    """.split()
)

# Declassification stamps and the like, added to a cable when it was released.
STAMP = r"(?:Declassified/Released|DECLASSIFIED|Derived from|DECL(?:ASSIFY)? ON)\b"

# Handling markings that may stand alone in the preamble or end a line.
CAVEATS = (
    "SIPDIS",
    "NOFORN",
    "NODIS",
    "EXDIS",
    "LIMDIS",
    "STADIS",
    "ROGER",
    "CHEROKEE",
    "SENSITIVE",
    "EFTO",
    "NOCONTRACT",
    "ORCON",
    "PROPIN",
    "FOUO",
    "MEDICAL",
    "PERSONAL",
    "SPECIAL EMBASSY PROGRAM",
    "CORRECTED COPY",
)

# Subject and program TAGS commonly seen; used to split glued tags
# ("KNNPMNUC") and to tell a person tag from a run of codes.
KNOWN_TAGS = frozenset(
    """
    PREL PGOV PHUM PTER PINR PINS PARM PBTS PMIL PREF PHSA PROP PNAT PBIO POLM
    PINT PSOC PLAB PECON PSOE PEPR PRAM POL PA PM
    MARR MOPS MCAP MASS MNUC MCAT MTCRE
    ECON EFIN ETRD EAID EINV ENRG EPET ELAB EAGR ECPS ETTC EIND EWWT ECIN EAIR
    ELTN EMIN ESTH EFIS EUN EINT EREL ETRN EXIM
    TSPL TBIO TINT TRGY TPHY TSPA TNAR
    SENV SOCI SNAR SMIG SCUL SHUM SCRM SWCI SMED SEDU
    KDEM KPAO KNNP KCRM KJUS KTFN KWMN KIRF KFRD KCOR KTIP KHIV KFLU KSCA KSUM
    KPKO KISL KMDR KOMC KNAR KGHG KMPI KTEX KBIO KCFE KSTC KACT KOLY KRVC KPAL
    KGIC KBTS KDRG KHLS KAWC KCIP KPRP KLIG KTDB KSEP KVPR KMCA KNSD KPWR KSAF
    KUNR KRAD KGCC KPLS KAID KCOM KHDP KMRS KRIM KSPR KTER KPOW KREC KFIN KDDG
    KCHG KIDE KWMM KWBG KNPP KMOC KFLO KGIT KPOA KRFD KCRS KPIR KHSA KPAK KIPR
    KBCT KCGC KAWK KSEO KICA KOCI KTBT KMIG KX KWAC
    ASEC AMGT ABUD APER AFIN AORC ASUP ADPM AODE ADCO AEMR AFSN AFSI ACOA AINF AMED
    ODIP OVIP OEXC OTRA OIIP OPRC OREP OSCI OFDP OPDC OECD
    CASC CVIS CMGT CPAS CFED CJAN CLOK CDC
    XF XA XB XC XD XE XG XH XI XJ XL XM XN XO XP XQ XR XS XT XU XV XW XX XY XZ
    """.split()
)

# Organisation tags that are not two or four letters long.
ORG_TAGS = frozenset(
    """
    NATO OSCE UNSC UNGA UNHRC UNHCR UNDP UNICEF UNESCO UNEP UNMIK UNAMA UNAMI
    UNIFIL UNFICYP UNMIS UNMIL MONUC UN EU AU OAS ASEAN APEC OPEC IAEA WTO WHO
    IMF IBRD IDB ICJ ICC ICRC OPCW SADC ECOWAS IGAD CARICOM MERCOSUR GCC OIC
    G8 G20 BRIC NAM CSTO SCO CIS GUAM PIF SAARC COE OECD ICAO IMO ILO FAO WFP
    IOM NPT CTBT ZANU-PF ZANU PF MDC ANC PKK FARC ELN AUC HAMAS HIZBALLAH
    HEZBOLLAH FATAH PLO EEB ENR ESA POLMIL
    """.split()
)

# The posts that send and receive cables, as ids spell them. A citation in running
# text ("(BAGHDAD 4237)") is only taken for one of these; REF lines take any station.
STATIONS = frozenset(
    """
    ABIDJAN ABUDHABI ABUJA ACCRA ADANA ADDISABABA ADEN ALEXANDRIA ALGIERS ALMATY AMMAN AMSTERDAM
    ANKARA ANTANANARIVO APIA ASHGABAT ASMARA ASMERA ASTANA ASUNCION ATHENS AUCKLAND BAGHDAD BAKU
    BAMAKO BANDARSERIBEGAWAN BANGKOK BANGUI BANJUL BARCELONA BASRAH BEIJING BEIRUT BELFAST BELGRADE
    BELMOPAN BERLIN BERN BISHKEK BISSAU BOGOTA BONN BRASILIA BRATISLAVA BRAZZAVILLE BRIDGETOWN
    BRUSSELS BUCHAREST BUDAPEST BUENOSAIRES BUJUMBURA BUSAN CAIRO CALCUTTA CALGARY CANBERRA CAPETOWN
    CARACAS CASABLANCA CHENGDU CHENNAI CHIANGMAI CHISINAU CIUDADJUAREZ COLOMBO CONAKRY COPENHAGEN
    COTONOU CURACAO DAKAR DAMASCUS DARESSALAAM DHAHRAN DHAKA DILI DJIBOUTI DOHA DOUALA DUBAI DUBLIN
    DURBAN DUSHANBE DUSSELDORF EDINBURGH ERBIL FLORENCE FRANKFURT FREETOWN FUKUOKA GABORONE GENEVA
    GEORGETOWN GUADALAJARA GUANGZHOU GUATEMALA GUAYAQUIL HALIFAX HAMBURG HAMILTON HANOI HARARE
    HAVANA HELSINKI HERAT HERMOSILLO HILLAH HOCHIMINHCITY HONGKONG HYDERABAD ISLAMABAD ISTANBUL
    IZMIR JAKARTA JEDDAH JERUSALEM JOHANNESBURG JUBA KABUL KADUNA KAMPALA KANDAHAR KARACHI KATHMANDU
    KHARTOUM KIEV KIGALI KINGSTON KINSHASA KIRKUK KOLKATA KOLONIA KOROR KRAKOW KUALALUMPUR KUWAIT
    KYIV LAGOS LAHORE LAPAZ LEIPZIG LIBREVILLE LILONGWE LIMA LISBON LJUBLJANA LOME LONDON LUANDA
    LUSAKA LUXEMBOURG LYON MADRID MAJURO MALABO MANAGUA MANAMA MANILA MAPUTO MARSEILLE MASERU
    MATAMOROS MAZARESHARIF MAZATLAN MBABANE MEDAN MELBOURNE MERIDA MEXICO MILAN MINSK MOGADISHU
    MONROVIA MONTERREY MONTEVIDEO MONTREAL MOSCOW MOSUL MUMBAI MUNICH MUSCAT NAGOYA NAHA NAIROBI
    NAPLES NASSAU NDJAMENA NEWDELHI NIAMEY NICOSIA NOGALES NOUAKCHOTT NUEVOLAREDO OSAKAKOBE OSLO
    OTTAWA OUAGADOUGOU PALERMO PANAMA PARAMARIBO PARIS PERTH PESHAWAR PHNOMPENH PODGORICA
    PONTADELGADA PORTAUPRINCE PORTLOUIS PORTMORESBY PORTOALEGRE PORTOFSPAIN PRAGUE PRAIA PRETORIA
    PRISTINA QUEBEC QUITO RABAT RANGOON RECIFE REYKJAVIK RIGA RIODEJANEIRO RIYADH ROME RPODUBAI
    SANAA SANJOSE SANPEDROSULA SANSALVADOR SANTIAGO SANTODOMINGO SAOPAULO SAPPORO SARAJEVO SEOUL
    SHANGHAI SHENYANG SINGAPORE SKOPJE SOFIA STATE STOCKHOLM STPETERSBURG STRASBOURG SURABAYA SUVA
    SYDNEY TAIPEI TALLINN TASHKENT TBILISI TEGUCIGALPA TEHRAN TELAVIV THEHAGUE THESSALONIKI TIJUANA
    TIRANA TOKYO TORONTO TRIPOLI TUNIS ULAANBAATAR UNVIEVIENNA USEUBRUSSELS USNATO USOSCE
    USUNNEWYORK USUNROME VALLETTA VANCOUVER VATICAN VIENNA VIENTIANE VILNIUS VLADIVOSTOK WARSAW
    WELLINGTON WINDHOEK WINNIPEG YAOUNDE YEKATERINBURG YEREVAN ZAGREB
    """.split()
)

# Words that begin a title in "Classified By:" and never a name.
TITLE_WORDS = frozenset(
    """
    AMBASSADOR AMB AMB. CHARGE CHARGÉ CHARGE' D'AFFAIRES D'AFFAIRES, DAFFAIRES
    A.I. AI A.I, ACTING DEPUTY CHIEF OF MISSION DCM CDA COM A/DCM A/COM POLITICAL
    ECONOMIC POL ECON POL/ECON POLECON COUNSELOR COUNSELLOR COUNSELOR, MINISTER
    MINISTER-COUNSELOR CONSUL GENERAL CG PRINCIPAL OFFICER PO POLCOUNS ECONCOUNS
    POLOFF ECONOFF POLMILOFF POL-MIL POLMIL MIL CHIEF SECTION HEAD DIRECTOR
    OFFICE ASSISTANT SECRETARY UNDER A/S DAS S/E SPECIAL ENVOY REPRESENTATIVE
    AND FOR THE DEFENSE ATTACHE ATTACHÉ RSO REGIONAL SECURITY PUBLIC AFFAIRS
    PAO INFORMATION ADVISOR ADVISER SENIOR FIRST SECOND THIRD SECRETARY,
    MANAGEMENT MGMT CONSULAR DEPT DEPARTMENT STATE OFFICER, DEPUTY, INTERIM
    AMBASSADOR, CHARGE, DCM, CDA, POLCOUNS, CG, COUNSELOR. PERMREP PERMANENT
    ALTERNATE US U.S. USUN USEU USNATO MISSION, POLITICAL/ECONOMIC
    ECONOMIC/POLITICAL POL/MIL ENVIRONMENT SCIENCE TECHNOLOGY HEALTH EST
    LABOR LEGAL COMMERCIAL AGRICULTURAL ATTACHE, ACTING, OFFICER-IN-CHARGE MC
    ECOPOL POL/MC DCM/A POLMINCOUNS ECONMINCOUNS P/E
    AFFAIRS AFFAIRES AFAIRS AFFAIR COUNS COUN MIN ECMIN POLMIN ECONMIN MCOUNSELOR
    M/C COUNSELOUR LTC COL LT MAJ CAPT CDR GEN ADM RADM VADM AT LARGE PERMANENT
    LEADER TEAM COORDINATOR CHAIRMAN SPOKESMAN PDAS EXECUTIVE
    """.split()
)

# Lines that follow the signer or sit at the very end and are never a signer.
NOT_SIGNERS = frozenset(
    """
    END SUMMARY COMMENT NOTE NNNN BT SIPDIS NOFORN UNCLASSIFIED CONFIDENTIAL
    SECRET UNCLAS TEXT ENDS MESSAGE TELEGRAM ENDS. ADVANCE PASS DECL NODIS
    EXDIS LIMDIS THANKS AMEN REGARDS BEST TBD ETC NEXT STEPS
    QUOTE UNQUOTE MINIMIZE CONSIDERED EXEMPT CONDEMN THIS THE THAT ACTION PLEASE PROTECT
    CLEARED APPROVED DRAFTED ENCLOSURE ATTACHMENT PARA PARAGRAPH
    """.split()
)


# --- classification levels and caveats, as cables write them ---------------------------


def spaced(word: str) -> str:
    """'SECRET' -> a pattern matching 'SECRET' and 'S E C R E T'."""
    # A doubled first letter ("CC O N F I D E N T I A L") occurs in real cables.
    return f"(?:{re.escape(word[0])}\\s?)?" + r"\s?".join(re.escape(c) for c in word)


_ABBREVIATIONS = {"UNCLASSIFIED": ("UNCLAS",)}
# (level, pattern) for every way a level opens a classification line: its words,
# each maybe spaced out, and its abbreviations.
_LEVEL_SPELLINGS = [(level.name, r"\s+".join(spaced(w) for w in level.name.split())) for level in LEVELS] + [
    (name, short) for name, shorts in _ABBREVIATIONS.items() for short in shorts
]
CLASSIFICATION_LINE = re.compile(
    r"^(?:" + "|".join(f"(?P<l{i}>{p})" for i, (_, p) in enumerate(_LEVEL_SPELLINGS)) + r")"
    r"(?![A-Za-z])(?P<rest>.*)$",
    re.IGNORECASE,
)


def classification_level(m: re.Match) -> str:
    """The level a CLASSIFICATION_LINE match opens with."""
    return next(_LEVEL_SPELLINGS[i][0] for i in range(len(_LEVEL_SPELLINGS)) if m.group(f"l{i}"))


# The first word of each level and the abbreviations: a line that opens with one is no addressee.
CLASSIFICATION_FIRST_WORDS = "|".join(
    [level.name.split()[0] for level in LEVELS] + [s for shorts in _ABBREVIATIONS.values() for s in shorts]
)
# The levels as plain words, for page headers and lone classification lines.
CLASSIFICATION_WORDS = "|".join(
    [level.name.replace(" ", r"\s+") for level in LEVELS] + [s for shorts in _ABBREVIATIONS.values() for s in shorts]
)

_CAVEAT_SPELLINGS = "|".join(spaced(c) if " " not in c else re.escape(c) for c in CAVEATS)
CAVEAT_WORD = re.compile(r"(?<![A-Z])(" + _CAVEAT_SPELLINGS + r")(?![A-Z])", re.IGNORECASE)
CAVEAT_NAMES = {c.replace(" ", ""): c for c in CAVEATS}
# A preamble line of caveats only ("SIPDIS", "NOFORN / SIPDIS").
CAVEAT_LINE = re.compile(r"^(?:(?:" + _CAVEAT_SPELLINGS + r")[\s,/]*)+$", re.IGNORECASE)
# "SENSITIVE BUT UNCLASSIFIED", "DEA SENSITIVE", "NOFORN, NOT FOR INTERNET DISTRIBUTION".
LOOSE_CAVEAT = re.compile(
    r"^(?:[A-Z]{2,6}\s+)?SENSITIVE(?:\s+BUT\s+UNCLASSIFIED)?\s*$"
    r"|^(?:NOFORN|NODIS|EXDIS|LIMDIS|SIPDIS)\s*[,;:-]\s*[A-Z ,/-]{0,60}$"
)


# --- paragraph markings ----------------------------------------------------------------

# The portion markings that open a paragraph or a subject: "(C)", "(SBU)", "(S/NF)".
MARKING_LEVELS = {
    "SBU": "UNCLASSIFIED",
    "LOU": "LIMITED OFFICIAL USE",
    "TS": "TOP SECRET",
    "FOUO": "UNCLASSIFIED",
    "U": "UNCLASSIFIED",
    "C": "CONFIDENTIAL",
    "S": "SECRET",
}
MARKINGS = tuple(MARKING_LEVELS)
MARKING_WORD = "(?:" + "|".join(MARKINGS) + ")"


# --- pieces of field keywords (the keywords themselves are in fields.FIELDS) -----------

EO_WORD = r"(?:E\.?\s?O\.?|EO)"  # E.O., E. O., EO, E.O
CLASSIFIED_BY = r"CLASSIFIED\s+BY\b"


# --- lines -----------------------------------------------------------------------------

# A rule that underlines a heading or separates sections: "-------", "=====".
RULE = re.compile(r"^(?:-{3,}|={3,}|_{3,}|\*{3,})[-=_* ]*$")
# A rule glued to the end of a line of text ("2020. ----------------").
RULE_AT_END = re.compile(r"\s+(?:-{4,}|={4,}|_{4,}|\*{4,})[-=_* ]*$")


def may_hold_rule(text: str) -> bool:
    # (Four plain substring tests: a generator over a tuple of them cost more than the searches.)
    return "---" in text or "===" in text or "___" in text or "***" in text


def underlines(lines: list[str], k: int) -> bool:
    """Is line k a rule under the heading above it? Not when it is the rule over a
    heading framed by two ("-------", "Summary", "-------")."""
    if not RULE.match(lines[k]):
        return False
    framed = k + 2 < len(lines) and lines[k + 1] and RULE.match(lines[k + 2]) is not None
    return k > 0 and bool(lines[k - 1]) and len(lines[k - 1]) <= 80 and not framed


# A numbered paragraph: "1.", "2 .", "3.(C)".
# "1. ", "1.(C)"; and "1, (C)", a comma typed for the full stop before a marking.
# (Not "94, (C) NAVOCEANO...": a year wrapped before a REF label.)
PARAGRAPH_START = re.compile(r"^(?:(\d{1,3})\s?\.(?=\s|\(|$)|([1-9]|[1-5]\d),(?=\s?\(" + MARKING_WORD + r"[/)]))")
PARTIAL_SENTENCE = re.compile(
    r"This record is a partial extract of the original cable\.\s*"
    r"(?:The full text of the original cable is not available\.)?",
    re.IGNORECASE,
)
