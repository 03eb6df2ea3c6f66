"""Forms of the pages most mirrors hold, and of collapsed text, on real excerpts.

tests/data/unseen holds the start of real pages of the corpus (see its README);
expected values were read from the excerpts.
"""

from conftest import DATA

from cablekit import parse_file, parse_text

UNSEEN = DATA / "unseen"


def parsed(name):
    return parse_file(str(UNSEEN / f"{name}.txt"))


def test_an_email_prelude_is_passed_over():
    # "From: CBPC, EACTAPP ...", "Sent: ...", "To: ...", "Subject: TRIPOLI 00000230 R CO 17-MAR-08 ..."
    r = parsed("08TRIPOLI230")
    assert r["subject"] == "LIBYA MAKES PROGRESS ON BANKING REFORM"
    assert r["header"]["dtg"] == "171653Z MAR 08" and r["header"]["from"] == "AMEMBASSY TRIPOLI"
    assert r["date"] == "2008-03-17T16:53:00Z" and r["classification"] == "CONFIDENTIAL"
    assert [x["id"] for x in r["references"]] == ["08TRIPOLI126"]  # "SUBJECT: ... REF: TRIPOLI 126" on one line
    assert r["classified_by"]["name"] == "Chris Stevens"
    assert "email-prelude-skipped" in r["warning_codes"]


def test_a_database_row_with_continuations_and_a_tab():
    # "...RUEATRS/DEPT OF TREASURY WASHINGTON DC PRIORITY\tS E C R E T SECTION 01 OF 02 BERN 000881 \"
    r = parsed("07BERN881")
    assert (r["id"], r["classification"]) == ("07BERN881", "SECRET")
    assert r["section"] == {"number": 1, "of": 2}
    assert r["subject"] == 'FM CALMY-REY "TAKES NOTE" OF USG CONCERNS REGARDING IRAN/IAEA AND IRAN/EGL'
    assert r["tags"] == ["MNUC", "KNNP", "ETTC", "IR", "SZ"]
    assert r["classified_by"]["name"] == "Leigh Carter"


def test_a_classification_line_over_two_lines_and_a_marker_in_the_subject():
    r = parsed("10TRIPOLI133")
    assert (r["id"], r["serial"]) == ("10TRIPOLI133", 133)  # "SECTION 01 OF 02", "", "TRIPOLI 000133"
    assert "serial-from-de-line" not in r["warning_codes"]
    assert r["subject"] == "LIBYA SEEKS U.S. COOPERATION ON ASTRONOMY, SEISMOLOGY AND SATELLITES"
    assert r["classified_by"]["name"] == "Gene Cretz"
    assert r["tags"] == ["TSPA", "ETTC", "PINR", "LY"]  # "E.O. 12958: DECL: 2/16/2020 TAGS: ..."
    assert r["paragraphs"][0]["marking"] == "SBU"  # "1.(SBU) This is an action request."


def test_a_database_record_written_out_in_the_page():
    # A cut preview ("RE..."), then "id:", "date:", "refid:", "origin:", "classification:",
    # "header:", the header, "--- header ends ---", and the cable again.
    r = parsed("06QUITO2529")
    assert r["classification"] == "CONFIDENTIAL//NOFORN"  # "classification: CONFIDENTIAL//NOFORN"
    assert (r["id"], r["id_from"]) == ("06QUITO2529", "metadata")
    assert r["subject"] == "UNSC: GOE STILL UNDECIDED, WORRIED ABOUT CORREA"
    assert [x["id"] for x in r["references"]] == ["06STATE171921", "06QUITO2262", "06QUITO2252"]
    assert "database-copy-read" in r["warning_codes"]


def test_a_handling_line_and_paragraph_one_run_into_the_subject():
    r = parsed("09CAIRO1215")
    assert r["subject"] == "INFUENZA CONFERENCE REVIEWS VIRUS SITUATION IN EGYPT"
    assert "SENSITIVE" in r["caveats"] and r["classification"] == "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    assert r["paragraphs"][0]["number"] == 1 and r["paragraphs"][0]["marking"] == "SBU"
    assert r["paragraphs"][0]["text"].startswith("Summary: At the avian and human influenza")


def test_a_label_written_twice():
    r = parsed("08RABAT727")  # "Classified By: Classified by Ambassador Thomas T. Riley ..."
    assert r["classified_by"]["name"] == "Thomas T. Riley"
    assert r["classified_by"]["reasons"] == ["1.4(a)", "1.4(b)"]
    assert "duplicate-field" not in r["warning_codes"]


def test_ref_at_the_end_of_the_subject_line():
    r = parsed("05BRASILIA760")  # "SUBJECT: ... TO HOST SUMMIT REF:", then "A. BRASILIA 564" ...
    assert r["subject"] == "ARAB DIPLOMATS WEIGH BRAZIL'S READINESS TO HOST SUMMIT"
    assert [(x["label"], x["id"]) for x in r["references"]] == [
        ("A", "05BRASILIA564"),
        ("B", "05BRASILIA574"),
        ("C", "05BRASILIA658"),
        ("D", "05BRASILIA718"),
    ]


def test_a_serial_cut_short_is_completed_from_the_de_line():
    # "DE RUEHBU #1673/01 2361854" and "C O N F I D E N T I A L BUENOS AIRES 00167SIPDIS":
    # five digits where six are written, and the DE line's serial begins with them.
    r = parsed("07BUENOSAIRES1673")
    assert r["id"] == "07BUENOSAIRES1673"
    assert "serial-repaired-from-de-line" in r["warning_codes"]
    # "AGS:" for TAGS, run into the E.O. line.
    assert r["tags"] == ["PGOV", "PREL", "ECON", "SOCI", "AR"]
    assert r["eo"]["decl"] == "2017-08-22"


def test_header_metadata_block_and_header_again():
    # A header, the database's block (number, date, id, origin, UNCLASSIFIED), the
    # header again and a stray TAGS line, then "UNCLAS STATE 086845": the full
    # classification line wins over the bare UNCLASSIFIED, and the DE line's
    # "#6845" never replaces the six-digit serial.
    r = parsed("09STATE86845")
    assert r["id"] == "09STATE86845"
    assert r["date"] == "2009-08-20T17:04:00Z"  # "R 201704Z AUG 09"
    assert r["tags"] == ["ETTC", "KOMC", "MX"]
    assert r["subject"] == "BLUE LANTERN LEVEL 3: POST-SHIPMENT END-USE CHECK ON LICENSE 050157579"


def test_the_de_line_never_replaces_a_full_serial():
    text = (DATA.parent.parent / "seeds" / "000_f96e09e439d60289.txt").read_text()
    # The seed's DE line is "#0279"; a classification line with six digits stands.
    for serial in ("000027", "000002", "010279"):
        r = parse_text(text.replace("BAKU 000279", f"BAKU {serial}"), "x.txt")
        assert r["serial"] == int(serial) and "serial-repaired-from-de-line" not in r["warning_codes"]


def test_paragraph_one_typed_with_a_comma_is_not_part_of_classified_by():
    # 08ISLAMABAD405 (html/): "for reasons 1.4 (b)(d)" then "1, (C) Summary. ..."
    text = (
        "C O N F I D E N T I A L ISLAMABAD 000405\n\nSIPDIS\n\nE.O. 12958: DECL: 01/26/2018\n"
        "TAGS: PGOV PREL PK\nSUBJECT: ZARDARI ON ELECTIONS\n\n"
        "Classified By: Anne W. Patterson, for reasons 1.4 (b)(d)\n"
        "1, (C) Summary. During an hour and a half conversation with Ambassador on January 25, "
        "Zardari called for deployment of the Army.\n\n2. (C) Ambassador and Polcouns paid a call.\n"
    )
    r = parse_text(text, "08ISLAMABAD405.txt")
    assert r["classified_by"]["reasons"] == ["1.4(b)", "1.4(d)"]
    assert [(p["number"], p["marking"]) for p in r["paragraphs"]] == [(1, "C"), (2, "C")]
    # "09TRIPOLI65": the reason and paragraph 1 on one line.
    r = parse_text(
        text.replace(
            "Classified By: Anne W. Patterson, for reasons 1.4 (b)(d)\n1, (C)",
            "CLASSIFIED BY: Gene A. Cretz, Ambassador. REASON: 1.4 (b), (d) 1. (C/NF)",
        ),
        "09TRIPOLI65.txt",
    )
    assert r["classified_by"]["name"] == "Gene A. Cretz" and r["classified_by"]["reasons"] == ["1.4(b)", "1.4(d)"]
    assert r["paragraphs"][0]["marking"] == "C/NF" and r["paragraphs"][0]["text"].startswith("Summary. During")


def test_classification_lines_glued_to_what_follows():
    # 06CAIRO493 (html/, apr-2011): a mirror's "Cable dated:" glued to the classification
    # line, SIPDIS glued to the serial and the passing line, E.O. glued to its last word.
    text = (
        "Cable dated:2006-01-29T11:49:00S E C R E T SECTION 01 OF 02 CAIRO 000493SIPDISFOR THE DIRECTOR "
        "FROM THE AMBASSADORE.O. 12958: DECL: 01/26/2016 TAGS: PTER KCRM PREL EG\n"
        "Classified by Ambassador Francis Ricciardone for reasons 1.4 (b) and (d).\n\n"
        "Director Mueller,\n1. (C) Thank you for\nrescheduling your visit to Egypt.\n"
    )
    r = parse_text(text, None)
    assert r["id"] == "06CAIRO493" and r["date"] == "2006-01-29T11:49:00Z"
    assert r["section"] == {"number": 1, "of": 2} and r["caveats"] == ["SIPDIS"]
    assert r["passing"] == ["FOR THE DIRECTOR FROM THE AMBASSADOR"]
    assert r["eo"]["decl"] == "2016-01-26" and r["tags"] == ["PTER", "KCRM", "PREL", "EG"]
    # The serial glued to E.O., a stray quote before the line, NOFORN glued to the
    # serial and to SIPDIS, and caveats opening a line with other words.
    for line, extra, caveats in [
        ("S E C R E T CAIRO 000549E.O. 12958: DECL: 01/26/2019", "", []),
        ('"S E C R E T CAIRO 000549', "E.O. 12958: DECL: 01/26/2019\n", []),
        ("SECRET CAIRO 000549NOFORNSIPDIS", "E.O. 12958: DECL: 01/26/2019\n", ["NOFORN", "SIPDIS"]),
        ("SECRET CAIRO 000549", "NOFORN SIPDIS DEPT FOR NEA\nE.O. 12958: DECL: 01/26/2019\n", ["NOFORN", "SIPDIS"]),
    ]:
        r = parse_text(f"{line}\n{extra}TAGS: PREL EG\nSUBJECT: TEST\n\n1. (S) Text.\n", None)
        assert r["id"] == "09CAIRO549" and r["eo"]["decl"] == "2019-01-26", line
        assert r["caveats"] == caveats and r["classification"] == "SECRET" + ("//NOFORN" if caveats else "")
    assert r["passing"] == ["DEPT FOR NEA"]
