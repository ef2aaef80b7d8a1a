"""mailin.parse: raw e-mail read into a ``Parsed`` record.

The fixtures in ``messages/`` are written by hand in the shapes real clients send (Gmail,
Outlook, Thunderbird, Mutt, Postfix bounces, Mailman); small messages for one rule at a time are
composed in the tests. Our mail servers are ``mx1.portal.example`` (the MX, which stamps the
arrival) and ``imap.portal.example`` (the mailbox, a second or two later). Pure: no database.
"""

from __future__ import annotations

import base64
import datetime as dt
import quopri
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailin.parse import MalformedMessage, Parsed, addresses_of, parse, thread_ids

MESSAGES = Path(__file__).parent / "messages"
MX = ["mx1.portal.example"]
UTC = dt.UTC
AUTOMATIC_CODES = {"", "auto-submitted", "autoreply", "precedence", "list", "bounce"}


def fixture(name: str, **kwargs) -> Parsed:
    """The fixture ``messages/<name>.eml``, parsed."""
    return parse((MESSAGES / f"{name}.eml").read_bytes(), **kwargs)


def compose(headers: str, body: str | bytes = "", *, charset: str = "utf-8") -> bytes:
    """A message from a header block and a body (encoded with ``charset`` when text)."""
    head = "From: Dana Whitfield <dana.whitfield@frontrangefiber.example>\nTo: support@portal.example\n" + headers
    data = body if isinstance(body, bytes) else body.encode(charset)
    return head.strip("\n").encode("utf-8") + b"\n\n" + data


def plain(body: str, *, subject: str = "Re: [ESC-1042] Circuit down in Boulder", headers: str = "") -> Parsed:
    """A text/plain message with ``body``, parsed."""
    return parse(compose(f"Subject: {subject}\nContent-Type: text/plain; charset=utf-8\n{headers}", body))


def html(body: str, *, subject: str = "Re: [ESC-1042] Circuit down in Boulder") -> Parsed:
    """A text/html message with ``body``, parsed."""
    return parse(compose(f"Subject: {subject}\nContent-Type: text/html; charset=utf-8", body))


def mixed(*parts: str) -> Parsed:
    """A multipart/mixed message of ``parts`` (each its headers, a blank line and its body)."""
    body = "".join(f"--XYZ\n{part.strip()}\n" for part in parts) + "--XYZ--\n"
    return parse(compose('Subject: parts\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="XYZ"', body))


# --- The fixtures -------------------------------------------------------------------------------


def test_plain_message_reads_sender_recipients_ids_and_dates():
    parsed = fixture("plain")
    assert parsed.message_id == "CAFrf.20261201170509.4411@frontrangefiber.example"
    assert parsed.in_reply_to == [] and parsed.references == [] and thread_ids(parsed) == []
    assert parsed.sender == "noc@frontrangefiber.example"
    assert parsed.sender_name == "Front Range Fiber NOC"
    # Delivered-To first, then To (the same mailbox, only in other case), then Cc.
    assert parsed.recipients == [
        "support@portal.example",
        "dana.whitfield@frontrangefiber.example",
        "ops@frontrangefiber.example",
    ]
    assert parsed.subject == "Circuit down in Boulder"
    assert parsed.date == dt.datetime(2026, 12, 1, 17, 5, 9, tzinfo=UTC)
    assert parsed.date.utcoffset() == dt.timedelta(hours=-7)
    assert parsed.automatic == "" and not parsed.is_automatic
    assert parsed.attachments == []


def test_plain_message_text_is_the_body_and_nothing_is_trimmed():
    parsed = fixture("plain")
    assert parsed.text.startswith("Hello,\n\nCircuit FRF-DEN-10G-0042 (Boulder POP → Denver core) has been down")
    assert "Light levels at our end read −40 dBm" in parsed.text
    assert parsed.text.endswith("Thanks,\nFront Range Fiber NOC\n+1 303 555 0142")
    assert parsed.reply == parsed.text


def test_received_at_is_the_topmost_received_by_one_of_our_hosts():
    raw = (MESSAGES / "plain.eml").read_bytes()
    # No hosts named: the topmost Received (the mailbox's).
    assert parse(raw).received_at == dt.datetime(2026, 12, 1, 17, 5, 14, tzinfo=UTC)
    assert parse(raw, own_hosts=MX).received_at == dt.datetime(2026, 12, 1, 17, 5, 12, tzinfo=UTC)
    # A domain matches its subdomains, in any case; the topmost of ours wins.
    assert parse(raw, own_hosts=["PORTAL.example"]).received_at == dt.datetime(2026, 12, 1, 17, 5, 14, tzinfo=UTC)
    # The sender's own server, in its own zone.
    sent = parse(raw, own_hosts=["frontrangefiber.example"]).received_at
    assert sent == dt.datetime(2026, 12, 1, 17, 5, 9, tzinfo=UTC) and sent.utcoffset() == dt.timedelta(hours=-7)
    assert parse(raw, own_hosts=["elsewhere.example"]).received_at is None
    assert parse(raw, own_hosts=["example"]).received_at is not None  # a parent domain is a match
    assert parse(raw, own_hosts=["portal.example.org"]).received_at is None
    assert parse(raw, own_hosts="mx1.portal.example").received_at == dt.datetime(2026, 12, 1, 17, 5, 12, tzinfo=UTC)


def test_received_at_is_none_without_received_headers_or_with_an_unreadable_date():
    assert plain("hello").received_at is None
    assert plain("hello", headers="Received: from a by mx1.portal.example with SMTP id 1\n").received_at is None
    no_date = "Received: from a by mx1.portal.example with SMTP id 1; yesterday\n"
    assert plain("hello", headers=no_date).received_at is None


def test_multipart_prefers_the_plain_alternative_and_unflows_it():
    parsed = fixture("multipart_html_attachments")
    assert parsed.sender == "dana.whitfield@frontrangefiber.example"
    # format=flowed: the soft line breaks are joined back.
    assert "a photo of the closure at 28th St. All 12 fibres were re-spliced; loss is 0.08 dB per splice.\n" in (
        parsed.text
    )
    assert parsed.text.startswith("Hi Portal team,\n\nAttached is the splice report")
    assert parsed.text.endswith("Dana Whitfield\nNetwork Operations Manager, Front Range Fiber")
    assert "<" not in parsed.text  # not the HTML alternative
    assert parsed.reply == parsed.text


def test_multipart_attachments_keep_files_and_skip_the_inline_logo():
    attachments = fixture("multipart_html_attachments").attachments
    assert [(a.filename, a.content_type, len(a.content)) for a in attachments] == [
        ("splice-report.pdf", "application/pdf", 335),
        ("closure 28th St – photo.jpg", "image/jpeg", 91),  # RFC 2231, inline with a filename
    ]
    assert attachments[0].content.startswith(b"%PDF-1.4\n") and attachments[0].content.endswith(b"%%EOF\n")
    assert attachments[1].content.startswith(b"\xff\xd8\xff\xe0")
    # The PNG logo (Content-ID, no filename) is part of the HTML, not a file.
    assert all(a.content_type != "image/png" for a in attachments)


def test_html_only_message_becomes_text_without_scripts_styles_or_markup():
    parsed = fixture("html_only")
    text = parsed.text
    for gone in ("evil.example", "window.location", "injected", "color: #333", "Status update", "<b>", "alert"):
        assert gone not in text
    assert text.startswith("Hi team,\n\nThe outage on FRF-DEN-10G-0042 is still ongoing — AT&T says the splice")
    assert "is <done> & tested at 2 dB…" in text  # entities unescaped, &nbsp; a space
    assert "Circuit | Status\nFRF-DEN-10G-0042 | Down\nFRF-BLD-1G-0007 | Degraded" in text
    assert "- Ticket 8812 <https://noc.frontrangefiber.example/t/8812>\n- Carrier contact: noc@longhaul.example" in text
    assert "\n\n\n" not in text
    assert text.endswith(
        "On Mon, 30 Nov 2026 at 16:40, Portal Support <support@portal.example> wrote:\n"
        "> Hello Dana,\n>\n> Can you send us the status of both circuits?"
    )


def test_html_only_reply_stops_at_the_gmail_quote():
    parsed = fixture("html_only")
    assert parsed.reply.endswith("- Carrier contact: noc@longhaul.example\n\nDana")
    assert "Portal Support" not in parsed.reply
    assert thread_ids(parsed) == ["esc-1042.notice.5@portal.example", "esc-1042@portal.example"]


def test_latin1_message_decodes_body_subject_and_name_and_drops_the_signature():
    parsed = fixture("latin1")
    assert parsed.subject == "Caída del enlace en Guadalajara - señal intermitente"
    assert parsed.sender_name == "José María Peña"
    assert parsed.sender == "jmpena@telcomex.example"
    assert parsed.recipients == ["soporte@portal.example"]
    assert "pérdida de señal intermitente (¡tres caídas en una hora!). ¿Pueden enviar" in parsed.text
    assert "«Américas»" in parsed.text
    assert parsed.text.endswith("-- \nJosé María Peña\nCentro de Operaciones de Red, TelcoMéx\nTel. +52 33 5555 0100")
    assert parsed.reply.endswith("un técnico a la central «Américas»?\n\nQuedamos atentos.")
    assert "José María" not in parsed.reply


def test_windows1252_outlook_reply_is_decoded_and_trimmed_at_the_header_block():
    parsed = fixture("windows1252_outlook_reply")
    assert parsed.subject == "RE: [ESC-1042] Circuit down in Boulder"
    assert parsed.in_reply_to == ["esc-1042.notice.7@portal.example"]
    assert parsed.references == ["esc-1042@portal.example", "esc-1042.notice.7@portal.example"]
    assert thread_ids(parsed) == ["esc-1042.notice.7@portal.example", "esc-1042@portal.example"]
    assert parsed.message_id == "SA1PR11MB6734A1B2C3D4E5F60718293AD4A12@SA1PR11MB6734.namprd11.prod.outlook.example"
    assert parsed.recipients == ["support@portal.example", "priya.raman@portal.example"]
    assert "That’s correct – the outage started at 09:58 and it’s affecting “all” VLANs" in parsed.text
    assert "The repair budget of €1,200 is approved…" in parsed.text
    assert "Sent: Tuesday, December 1, 2026 10:02 AM" in parsed.text
    # Cut at the Outlook block, the underscore rule above it too.
    assert parsed.reply.endswith("Marcus Oyelaran\nNetwork Operations | Mountain West ISP\nTel. +1 720 555 0199")
    assert "Hello Marcus" not in parsed.reply and "____" not in parsed.reply
    # X-Auto-Response-Suppress is on ordinary Outlook mail too: not a sign of an auto-reply.
    assert parsed.automatic == ""


def test_gmail_reply_drops_the_signature_and_the_wrapped_attribution_and_quote():
    parsed = fixture("gmail_reply")
    assert parsed.sender == "sam.ortega@frontrangefiber.example"
    assert parsed.recipients == ["support@portal.example", "dana.whitfield@frontrangefiber.example"]
    assert "On Tue, 1 Dec 2026 at 10:02, Dana Whitfield <dana.whitfield@frontrangefiber.example>\nwrote:" in (
        parsed.text
    )
    assert parsed.reply == "Thanks, the technician is on site now. We’ll confirm once light is\nrestored."
    assert thread_ids(parsed) == [
        "CAH7k2Lq=fr0nt.range+dana@mail.gmail.example",
        "esc-1042.notice.9@portal.example",
    ]


def test_portuguese_reply_is_trimmed_at_escreveu():
    parsed = fixture("portuguese_reply")
    assert parsed.subject == "Re: [ESC-1043] Perda de pacotes no enlace São Paulo–Campinas"
    assert parsed.sender == "joao.carvalho@redesul.example"
    assert parsed.sender_name == "João Carvalho"
    assert parsed.recipients == ["suporte@portal.example", "support@portal.example"]  # Delivered-To, X-Original-To
    assert parsed.reply == (
        "Bom dia,\n\nA perda de pacotes continua: 4,2% entre São Paulo e Campinas desde as 8h.\n"
        "Seguem os testes de traçado que fizemos hoje.\n\nObrigado,\nJoão"
    )
    assert "Em ter., 1 de dez. de 2026 às 10:02, Portal Support <support@portal.example> escreveu:" in parsed.text


def test_forwarded_message_is_kept_whole_and_the_attached_one_is_a_file():
    parsed = fixture("forwarded")
    assert parsed.subject == "Fwd: Planned maintenance PM-7781 on Denver–Cheyenne span"
    assert parsed.reply == parsed.text
    assert "---------- Forwarded message ---------\nFrom: Longhaul Maintenance" in parsed.reply
    assert parsed.reply.endswith("-- \nLonghaul Networks Maintenance Desk")
    [attached] = parsed.attachments
    assert (attached.filename, attached.content_type) == ("forwarded-message.eml", "message/rfc822")
    inner = parse(attached.content)
    assert inner.subject == "CRITICAL: LOS on FRF-DEN-10G-0042"
    assert inner.message_id == "alarm-88123@nms.frontrangefiber.example"
    assert "Loss of signal" not in parsed.text  # the attached message is not our body


def test_out_of_office_is_automatic():
    parsed = fixture("out_of_office")
    assert parsed.automatic == "auto-submitted" and parsed.is_automatic
    assert parsed.subject == "Automatic reply: [ESC-1042] Circuit down in Boulder"
    assert parsed.text.startswith("I am out of the office until Monday 7 December with limited access to e-mail.")


def test_bounce_is_automatic_and_carries_the_returned_message():
    parsed = fixture("bounce", own_hosts=MX)
    assert parsed.automatic == "bounce"
    assert parsed.sender == "mailer-daemon@mx1.portal.example"
    assert parsed.sender_name == ""
    assert parsed.received_at == dt.datetime(2026, 12, 1, 17, 40, 9, tzinfo=UTC)
    assert parsed.text.startswith("This is the mail system at host mx1.portal.example.")
    assert "User unknown in virtual mailbox table" in parsed.text
    assert "Reporting-MTA" not in parsed.text  # the delivery-status part is not the body, nor a file
    [returned] = parsed.attachments
    assert (returned.filename, returned.content_type) == ("forwarded-message.eml", "message/rfc822")
    assert parse(returned.content).message_id == "esc-1042.notice.10@portal.example"


def test_list_message_is_automatic():
    parsed = fixture("list")
    assert parsed.automatic == "list"
    assert parsed.recipients == ["support@portal.example", "ops-announce@lists.frontrangefiber.example"]


def test_message_without_message_id_or_readable_date():
    parsed = fixture("no_message_id")
    assert parsed.message_id == ""
    assert parsed.date is None
    assert thread_ids(parsed) == []
    assert parsed.sender == "alerts@monitor.redesul.example" and parsed.sender_name == ""
    # Our MX stamped its Received header in capitals.
    raw = (MESSAGES / "no_message_id.eml").read_bytes()
    assert parse(raw, own_hosts=MX).received_at == dt.datetime(2026, 12, 3, 4, 12, 7, tzinfo=UTC)
    assert parse(raw).received_at == dt.datetime(2026, 12, 3, 4, 12, 9, tzinfo=UTC)


def test_wrong_charset_falls_back_instead_of_replacing_characters():
    parsed = fixture("wrong_charset")
    assert parsed.text.startswith("Informação: o técnico chegará amanhã às 9h na estação de Belém.")
    assert "\ufffd" not in parsed.text
    # The subject came as raw 8-bit Latin-1 bytes, undeclared.
    assert parsed.subject == "Atualização do chamado: técnico chega amanhã"


def test_iso2022jp_message():
    parsed = fixture("iso2022jp")
    assert parsed.subject == "東京データセンター回線障害のご報告"
    assert parsed.sender_name == "山田 太郎"
    assert parsed.sender == "t.yamada@nihon-net.example"
    assert "本日9時15分より、東京第二データセンターの10G回線が断となっております。" in parsed.text
    assert parsed.date == dt.datetime(2026, 12, 3, 0, 20, 42, tzinfo=UTC)


@pytest.mark.parametrize("path", sorted(MESSAGES.glob("*.eml")), ids=lambda path: path.stem)
def test_every_fixture_has_clean_bounded_fields(path):
    assert_well_formed(parse(path.read_bytes(), own_hosts=MX))


# --- Trimming the reply -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "history",
    [
        "El mar, 1 dic 2026 a las 10:02, Portal Support (<support@portal.example>) escribió:\n\n> ¿Sigue caído?",
        "On 12/1/26 10:02 AM, Portal Support wrote:\n> Is it still down?",
        "On Dec 1, 2026, at 10:02, Portal Support <support@portal.example> wrote:\n\n> Is it still down?",
        "-----Original Message-----\nFrom: Portal Support\nSent: Tuesday\n\nIs it still down?",
        "-----Mensaje original-----\nDe: Soporte\nEnviado el: martes\n\n¿Sigue caído?",
        "-----Mensagem original-----\nDe: Suporte\n\nContinua fora?",
        "From: Portal Support <support@portal.example>\nDate: x\nSent: Tuesday, December 1, 2026 10:02 AM\nHi",
        "*From:* Portal Support <support@portal.example>\n*Sent:* Tuesday, December 1, 2026 10:02 AM\nHi",
        "De: Soporte <support@portal.example>\nEnviado el: martes, 1 de diciembre de 2026 10:02\nPara: Ana\nHola",
        "De: Suporte <support@portal.example>\nEnviada em: terça-feira, 1 de dezembro de 2026 10:02\nOlá",
        "De: Suporte <support@portal.example>\nEnviado: terça-feira, 1 de dezembro de 2026 10:02\nOlá",
        "> Is it still down?\n>\n> Portal Support",
    ],
)
def test_reply_is_cut_at_quoted_history(history):
    parsed = plain(f"The splice is done, light is back.\n\n{history}\n")
    assert parsed.reply == "The splice is done, light is back."
    assert history.split("\n")[0] in parsed.text


def test_an_attribution_wrapped_over_two_lines_is_cut_where_it_starts():
    parsed = plain(
        "Done.\n\nEl mar, 1 dic 2026 a las 10:02, Portal Support\n(<support@portal.example>) escribió:\n> x\n"
    )
    assert parsed.reply == "Done."


def test_signature_after_a_bare_double_dash_is_dropped():
    assert plain("Done.\n--\nDana\n").reply == "Done."
    assert plain("Done.\n---\nDana\n").reply == "Done.\n---\nDana"  # only "--" and "-- " delimit


def test_nothing_reliably_detected_leaves_the_text():
    body = "The circuit went down on Tuesday, as I wrote: twice.\nOn the other hand, light is back."
    assert plain(body).reply == plain(body).text == body


def test_an_interleaved_answer_is_not_cut_at_the_attribution():
    body = (
        "On Tue, 1 Dec 2026 at 10:02, Portal Support <support@portal.example> wrote:\n"
        "> Is the circuit down?\nYes, since 09:58.\n> Can you give us access?\nYes, badge 4471.\n"
    )
    parsed = plain(body)
    assert parsed.reply == parsed.text


def test_only_the_trailing_quote_block_is_cut():
    parsed = plain("> Is the circuit down?\nYes, since 09:58.\n\n> Anything else?\n> Regards\n")
    assert parsed.reply == "> Is the circuit down?\nYes, since 09:58."


def test_trimming_that_would_leave_nothing_keeps_the_text():
    parsed = plain("On Tue, 1 Dec 2026 at 10:02, Portal Support <support@portal.example> wrote:\n> Is it down?\n")
    assert parsed.reply == parsed.text
    assert plain("-- \nDana Whitfield\n").reply == "-- \nDana Whitfield"


@pytest.mark.parametrize(
    "marker",
    ["---------- Forwarded message ---------", "Begin forwarded message:", "-------- Mensaje reenviado --------"],
)
def test_a_forward_is_not_trimmed_even_without_fwd_in_the_subject(marker):
    body = (
        f"See below.\n-- \nDana\n\n{marker}\nFrom: Longhaul <maintenance@longhaul.example>\n\n"
        "On Mon, 30 Nov 2026 at 18:00, Carrier NOC <noc@longhaul.example> wrote:\n> maintenance tonight\n"
    )
    parsed = plain(body, subject="Maintenance tonight")
    assert parsed.reply == parsed.text


@pytest.mark.parametrize("subject", ["FW: Circuit down", "Fwd: Circuit down", "RV: Caída", "ENC: Queda", "[EXT] Fw: x"])
def test_an_outlook_forward_is_known_by_its_subject(subject):
    body = "FYI\n\nFrom: Carrier NOC <noc@longhaul.example>\nSent: Monday, November 30, 2026 6:00 PM\n\nmaintenance"
    assert plain(body, subject=subject).reply == body


def test_a_reply_to_a_forward_is_trimmed():
    body = "Thanks.\n\nFrom: Dana <dana.whitfield@frontrangefiber.example>\nSent: Tuesday\nSubject: FW: Circuit down\n"
    assert plain(body, subject="RE: FW: Circuit down").reply == "Thanks."


def test_history_before_a_forward_in_it_is_still_cut():
    body = (
        "Thanks.\n\nOn Tue, 1 Dec 2026 at 10:02, Dana <dana.whitfield@frontrangefiber.example> wrote:\n"
        "> ---------- Forwarded message ---------\n> From: Longhaul\n"
    )
    assert plain(body).reply == "Thanks."


def test_html_history_marks_cut_the_reply_when_the_text_has_no_known_header():
    parsed = html(
        '<div dir="ltr">C\'est réparé.</div><div class="gmail_quote"><div class="gmail_attr">'
        "Le lun. 30 nov. 2026 à 16:40, Portal Support &lt;support@portal.example&gt; a écrit :</div>"
        '<blockquote class="gmail_quote">Est-ce toujours en panne ?</blockquote></div>'
    )
    assert parsed.reply == "C'est réparé."
    assert parsed.text.endswith("a écrit :\n> Est-ce toujours en panne ?")


def test_outlook_html_reply_is_cut_at_append_on_send():
    parsed = html(
        '<div>Approved.</div><div id="Signature">Marcus</div><div id="appendonsend"></div><hr>'
        '<div id="divRplyFwdMsg"><b>De:</b> Soporte<br><b>Fecha:</b> martes</div><div>¿Aprueban el gasto?</div>'
    )
    assert parsed.reply == "Approved.\nMarcus"
    assert "¿Aprueban el gasto?" in parsed.text


def test_outlook_desktop_html_keeps_its_paragraph_lines_together():
    parsed = html(
        '<div class="WordSection1"><p class="MsoNormal">Hi Portal,<o:p></o:p></p>'
        '<p class="MsoNormal">Light is back.<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt"><p class="MsoNormal"><b>From:</b> Portal Support'
        "<br><b>Sent:</b> Tuesday, December 1, 2026 10:02 AM<br><b>To:</b> Marcus</p></div>"
        '<p class="MsoNormal">Is it back?</p></div>'
    )
    assert parsed.reply == "Hi Portal,\nLight is back."


def test_a_gmail_html_forward_is_not_trimmed():
    parsed = html(
        '<div dir="ltr">FYI</div><div class="gmail_quote"><div class="gmail_attr">---------- Forwarded message '
        "---------<br>From: Longhaul &lt;maintenance@longhaul.example&gt;</div><div>Maintenance tonight.</div></div>",
        subject="Maintenance tonight",
    )
    assert parsed.reply == parsed.text
    assert parsed.text.endswith("Maintenance tonight.")


def test_html_keeps_preformatted_text_and_shows_only_absolute_link_targets():
    parsed = html(
        "<p>Traceroute:</p><pre>1  10.0.0.1  0.4 ms\n2  192.0.2.9  3.1 ms</pre>"
        '<p><a href="#top">top</a> <a href="/t/8812">ticket</a> <a href="javascript:alert(1)">x</a></p>'
    )
    assert parsed.text == "Traceroute:\n\n1  10.0.0.1  0.4 ms\n2  192.0.2.9  3.1 ms\n\ntop ticket x"


def test_deeply_nested_html_is_read_without_the_parsers_slowing_down():
    # 100,000 nested <div>s take html5ever a quarter of a minute; capped at 256 levels, a moment.
    parsed = html("<div>" * 100_000 + "still read" + "</div>" * 100_000 + "<p>and after</p>")
    assert parsed.text == "still read\n\nand after"


# --- Automatic mail -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "subject", "code"),
    [
        ("Auto-Submitted: auto-generated\n", "Alarm", "auto-submitted"),
        ("Auto-Submitted: no\n", "Hello", ""),
        ("X-Autoreply: yes\n", "Re: Hello", "autoreply"),
        ("X-Autorespond: Out of office\n", "Re: Hello", "autoreply"),
        ("X-Auto-Response-Suppress: DR, RN, NRN, OOF, AutoReply\n", "Hello", ""),
        ("", "Automatic reply: Circuit down", "autoreply"),
        ("", "Auto: Circuit down", "autoreply"),
        ("", "Out of Office: Circuit down", "autoreply"),
        ("", "Respuesta automática: Caída del enlace", "autoreply"),
        ("", "Resposta automática: Queda do enlace", "autoreply"),
        ("", "=?UTF-8?Q?Respuesta_autom=C3=A1tica=3A_Ca=C3=ADda?=", "autoreply"),
        ("", "Re: The auto: line is down", ""),
        ("Precedence: bulk\n", "Newsletter", "precedence"),
        ("Precedence: junk\n", "Offer", "precedence"),
        ("Precedence: auto_reply\n", "Away", "precedence"),
        ("Precedence: first-class\n", "Hello", ""),
        ("List-Unsubscribe: <mailto:leave@lists.example>\n", "Digest", "list"),
        ("Return-Path: <>\n", "Delivery Status Notification (Failure)", ""),
    ],
)
def test_automatic_codes(headers, subject, code):
    assert plain("body", subject=subject, headers=headers).automatic == code


def test_an_empty_return_path_from_the_postmaster_is_a_bounce():
    raw = b"Return-Path: <>\nFrom: postmaster@mountainwest-isp.example\nSubject: Returned mail\n\nUser unknown"
    assert parse(raw).automatic == "bounce"
    assert parse(raw.replace(b"<>", b"<postmaster@mountainwest-isp.example>")).automatic == ""


def test_a_delivery_status_part_anywhere_is_a_bounce():
    parsed = mixed(
        "Content-Type: text/plain\n\nYour message was not delivered.",
        "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\nAction: failed\nStatus: 5.1.1",
    )
    assert parsed.automatic == "bounce"
    assert parsed.text == "Your message was not delivered."
    assert parsed.attachments == []


def test_a_read_receipt_is_an_autoreply():
    raw = compose(
        "Subject: Read: Circuit down\n"
        'Content-Type: multipart/report; report-type=disposition-notification; boundary="B"',
        "--B\nContent-Type: text/plain\n\nYour message was read.\n"
        "--B\nContent-Type: message/disposition-notification\n\n"
        "Final-Recipient: rfc822;dana@frontrangefiber.example\n"
        "Disposition: manual-action/MDN-sent-manually; displayed\n"
        "--B--\n",
    )
    assert parse(raw).automatic == "autoreply"


# --- Attachments --------------------------------------------------------------------------------


def test_attachment_filenames_are_safe_basenames():
    parsed = mixed(
        "Content-Type: text/plain\n\nFiles attached.",
        'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="..\\\\..\\\\boot.ini"\n\nx',
        'Content-Type: application/pdf\nContent-Disposition: attachment; filename="/etc/passwd"\n\nx',
        "Content-Type: application/pdf\nContent-Disposition: attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe\n\nx",
        'Content-Type: application/pdf\nContent-Disposition: attachment; filename="  ..  "\n\nx',
        'Content-Type: application/pdf\nContent-Disposition: attachment; filename="what? <now>|.pdf"\n\nx',
        f'Content-Type: application/pdf\nContent-Disposition: attachment; filename="{"x" * 300}.pdf"\n\nx',
        'Content-Type: text/plain; name="=?UTF-8?B?UmVsYXTDs3JpbyBkZSB0cmFjZXJvdXRlLnR4dA==?="\n'
        "Content-Disposition: attachment\n\ntraceroute output",
    )
    names = [a.filename for a in parsed.attachments]
    assert names[:5] == ["boot.ini", "passwd", "invoicefdp.exe", "attachment-4.pdf", "what_ _now__.pdf"]
    assert len(names[5]) == 200 and names[5].endswith("xxx.pdf")
    assert names[6] == "Relatório de traceroute.txt"
    assert parsed.text == "Files attached."  # the text/plain attachment is not body


def test_attachments_without_a_filename_are_named_from_their_type():
    parsed = mixed(
        "Content-Type: text/plain\n\nsee files",
        "Content-Type: application/pdf\nContent-Disposition: attachment\nContent-Transfer-Encoding: base64\n\n"
        "JVBERi0xLjQK",
        "Content-Type: image/jpeg\nContent-Transfer-Encoding: base64\n\n/9j/4AAQ",  # no Content-ID: a file
        "Content-Type: text/calendar; method=REQUEST\n\nBEGIN:VCALENDAR\nEND:VCALENDAR",
        "Content-Type: application/x-never-heard-of\nContent-Disposition: attachment\n\n?",
        "Content-Type: image/gif\nContent-ID: <spacer@x>\n\nGIF89a",  # shown by the HTML: skipped
        'Content-Type: message/rfc822\nContent-Disposition: attachment; filename="Alarm.eml"\n\n'
        "From: nms@frontrangefiber.example\nSubject: LOS\n\nLOS",
        "Content-Type: application/pkcs7-signature; name=smime.p7s\nContent-Disposition: attachment\n\nMIIB",
    )
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("attachment-1.pdf", "application/pdf"),
        ("attachment-2.jpg", "image/jpeg"),
        ("attachment-3.ics", "text/calendar"),
        ("attachment-4", "application/x-never-heard-of"),
        ("Alarm.eml", "message/rfc822"),
    ]
    assert parsed.attachments[0].content == b"%PDF-1.4\n"
    assert parsed.text == "see files"


# --- Charsets, headers and bounds ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("charset", "text"),
    [
        ("koi8-r", "Канал Москва-Самара не работает"),
        ("gb2312", "北京机房光缆中断"),
        ("iso-2022-jp", "回線断"),
        ("windows-1252", "“quoted” – €5"),
        ("iso-8859-1", "Señal perdida"),
        ("utf-8", "Señal perdida ✓"),
    ],
)
def test_text_parts_are_decoded_with_their_charset(charset, text):
    raw = compose(f"Subject: x\nContent-Type: text/plain; charset={charset}", text, charset=charset)
    assert parse(raw).text == text


def test_latin1_label_is_read_as_windows1252_like_browsers_do():
    raw = compose("Subject: x\nContent-Type: text/plain; charset=iso-8859-1", "“ok” – done", charset="windows-1252")
    assert parse(raw).text == "“ok” – done"


def test_an_unknown_charset_falls_back_to_utf8_then_latin1():
    assert parse(compose("Content-Type: text/plain; charset=x-klingon", "Señal ✓")).text == "Señal ✓"
    assert parse(compose("Content-Type: text/plain; charset=rot13", b"Se\xf1al")).text == "Señal"
    assert parse(compose("Content-Type: text/plain; charset=utf-8", b"Se\xf1al \x81")).text == "Señal \x81"


def test_raw_utf8_headers_and_a_utc_date_without_zone():
    raw = (
        "From: Jürgen Groß <J.Gross@Netz.example>\nSubject: Störung   im\n\tKnoten  Köln\n"
        "Date: Tue, 1 Dec 2026 10:02:00 -0000\n\nx"
    )
    parsed = parse(raw.encode())
    assert (parsed.sender, parsed.sender_name) == ("j.gross@netz.example", "Jürgen Groß")
    assert parsed.subject == "Störung im Knoten Köln"
    assert parsed.date == dt.datetime(2026, 12, 1, 10, 2, tzinfo=UTC) and parsed.date.tzinfo is not None


def test_message_ids_lose_brackets_comments_and_repeats():
    parsed = plain(
        "x",
        headers="Message-ID:  <  a@b>\nIn-Reply-To: <esc-1@portal.example> (Dana's message of Tue)\n"
        "References: <r1@x><r2@x>\n <r1@x>, <r3@x>\n",
    )
    assert parsed.message_id == "a@b"
    assert parsed.in_reply_to == ["esc-1@portal.example"]
    assert parsed.references == ["r1@x", "r2@x", "r3@x"]
    assert thread_ids(parsed) == ["esc-1@portal.example", "r3@x", "r2@x", "r1@x"]
    assert plain("x", headers="Message-ID: bare-id@host.example\n").message_id == "bare-id@host.example"


def test_a_sender_that_cannot_be_read_is_empty():
    assert parse(b"From: undisclosed\nSubject: x\n\nbody").sender == ""
    assert parse(b"From: <broken\nSubject: x\n\nbody").sender == ""
    assert parse(b"Subject: x\n\nbody").sender == ""
    assert parse(b"From: =?utf-8?q?Dana_=3CW=3E?= <dana@x.example>\n\nbody").sender_name == "Dana <W>"


def test_addresses_of():
    assert addresses_of('"Ops, NOC" <NOC@y.example>, dana@X.example, "Ops, NOC" <noc@y.example>') == [
        "noc@y.example",
        "dana@x.example",
    ]
    assert addresses_of("undisclosed-recipients:;") == []
    assert addresses_of("Team: a@x.example, b@x.example;") == ["a@x.example", "b@x.example"]
    assert addresses_of("Dana <dana@x.example") == ["dana@x.example"]
    assert addresses_of("") == []


def test_subject_and_text_are_bounded():
    parsed = plain("word " * 20_000, subject="Long " * 100)
    assert len(parsed.subject) == 300 and parsed.subject.endswith("…")
    assert len(parsed.text) == 60_000 and parsed.text.endswith("…")
    assert len(parsed.reply) <= 60_000


def test_control_characters_are_removed():
    parsed = parse(compose("Subject: a\x00b\x07c", b"line\x00one\r\nline\x1btwo\r\n"))
    assert parsed.subject == "abc"
    assert parsed.text == "lineone\nlinetwo"


def test_deeply_nested_multiparts_do_not_break_the_parser():
    depth = 300
    body = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n' for i in range(depth))
    body += "Content-Type: text/plain\n\ndeep\n" + "".join(f"--b{i}--\n" for i in reversed(range(depth)))
    parsed = parse(b"From: a@x.example\nSubject: deep\n" + body.encode())
    assert_well_formed(parsed)


@pytest.mark.parametrize("raw", [b"", b"   \r\n\r\n", b"just words, no header block\n", b"\x89PNG\r\n\x1a\n\x00\x00"])
def test_bytes_that_are_not_an_email_are_malformed(raw):
    with pytest.raises(MalformedMessage):
        parse(raw)


# --- Arbitrary bytes ----------------------------------------------------------------------------

HEADER_NAMES = st.sampled_from(
    [
        "From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "Received",
        "Delivered-To", "X-Original-To", "Return-Path", "Content-Type", "Content-Transfer-Encoding",
        "Content-Disposition", "Auto-Submitted", "Precedence", "List-Id", "X-Autoreply", "MIME-Version",
    ]
) | st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,15}", fullmatch=True)  # fmt: skip
TRICKY_VALUES = st.sampled_from(
    [
        "=?utf-8?b?invalid base64?=", "=?x-bogus?q?caf=E9?=", "=?utf-8?q?=C3?=", "<>", "<", "\"unclosed <a@b",
        "multipart/mixed; boundary=B", "multipart/alternative; boundary=B", "text/html; charset=bogus",
        "text/plain; charset=utf-8; format=flowed; delsp=yes", "message/rfc822", "message/delivery-status",
        "multipart/report; report-type=delivery-status; boundary=B", "base64", "quoted-printable", "x-uuencode",
        "attachment; filename*=utf-8''%FF%FE..%2F", "attachment; filename=\"=?utf-8?b?Li4vLi4v?=\"",
        "from a by mx1.portal.example; Tue, 31 Feb 2026 25:61:00 +9999", "Tue, 1 Dec 10000 10:00:00 +0000",
        "a@b, (comment) <c@d>, group: e@f;", "auto-replied", "bulk",
    ]
)  # fmt: skip
HEADER_VALUES = TRICKY_VALUES.map(str.encode) | st.binary(max_size=120)
MIME_BODY = st.lists(
    st.one_of(
        st.binary(max_size=200),
        st.sampled_from(
            [
                b"--B\r\n", b"--B--\r\n", b"Content-Type: text/html; charset=koi8-r\r\n\r\n<p>hi</p>",
                b"Content-Type: message/rfc822\r\n\r\nFrom: x\r\n\r\nbody", b"Content-Transfer-Encoding: base64\r\n",
                b"Content-Disposition: attachment; filename=\"a\x00b\"\r\n", b"<div class=gmail_quote>",
                b"On Tue, 1 Dec 2026 at 10:02, X <x@y> wrote:\r\n> q\r\n", b"-- \r\n", b"\r\n\r\n", b"=?=\r\n",
                b"begin 644 x\r\n", b"<blockquote><blockquote><table><tr><td>", b"&#0;&#xD800;&amp;",
            ]
        ),
    ),
    max_size=25,
).map(b"".join)  # fmt: skip


@st.composite
def raw_messages(draw) -> bytes:
    """A header block of known and random headers with tricky or random values, then a body of
    MIME fragments and random bytes."""
    headers = draw(st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), min_size=1, max_size=12))
    newline = draw(st.sampled_from([b"\r\n", b"\n"]))
    block = newline.join(name.encode() + b": " + value for name, value in headers)
    return block + newline + newline + draw(MIME_BODY)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=raw_messages(), own_hosts=st.lists(st.sampled_from(["mx1.portal.example", "example", "", "."]), max_size=2))
def test_property_any_header_block_parses_into_bounded_fields(raw, own_hosts):
    try:
        parsed = parse(raw, own_hosts=own_hosts)
    except MalformedMessage:
        return
    assert_well_formed(parsed)


LEAF_TYPES = st.sampled_from(
    [
        "text/plain", "text/html", "text/plain; format=flowed; delsp=yes", "image/png", "application/pdf",
        "message/rfc822", "message/delivery-status", "text/calendar", "application/pkcs7-signature", "multipart/mixed",
    ]
)  # fmt: skip
CHARSETS = st.sampled_from(
    ["utf-8", "iso-8859-1", "windows-1252", "iso-2022-jp", "koi8-r", "gb2312", "x-bogus", "rot13"]
)
TRANSFER_ENCODINGS = st.sampled_from(["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "bogus"])
DISPOSITIONS = st.sampled_from(
    [
        "", "inline", "attachment", 'attachment; filename="../../x.pdf"', "inline; filename*=utf-8''%E2%80%AEfdp.exe",
        'attachment; filename="=?utf-8?q?a=2Fb=00c?="', "attachment; filename*0*=utf-8''a; filename*1=b.txt",
    ]
)  # fmt: skip
CONTENT = st.text(max_size=60) | st.sampled_from(
    [
        '<div class="gmail_quote">On Tue, 1 Dec 2026 at 10:02, X wrote:<blockquote>q</blockquote></div>',
        '<div id="appendonsend"></div><div id="divRplyFwdMsg"><b>From:</b> X<br><b>Sent:</b> Y</div>',
        "<table><tr><td><pre>\n a\n</pre><li><a href='javascript:x'>j</a><script>s</script>",
        "From: x@example\r\nSubject: inner\r\n\r\ninner body", "Reporting-MTA: dns; x\r\n\r\nAction: failed",
        "Hi\r\n-- \r\nsig\r\n> q\r\n", "---------- Forwarded message ---------\r\nFrom: x",
    ]
)  # fmt: skip


@st.composite
def mime_parts(draw, depth: int = 0) -> bytes:
    """One MIME part: a multipart of up to four parts (three levels at most) or a leaf with a
    type, charset, transfer encoding and disposition drawn from those mail gets wrong."""
    if depth < 3 and draw(st.booleans()):
        subtype = draw(st.sampled_from(["mixed", "alternative", "related", "report; report-type=delivery-status"]))
        boundary = f"b{depth}-{draw(st.integers(0, 9))}".encode()
        children = draw(st.lists(mime_parts(depth + 1), max_size=4))
        body = b"".join(b"--" + boundary + b"\r\n" + child + b"\r\n" for child in children) + b"--" + boundary + b"--"
        return b"Content-Type: multipart/" + subtype.encode() + b'; boundary="' + boundary + b'"\r\n\r\n' + body
    charset = draw(CHARSETS)
    encoding = draw(TRANSFER_ENCODINGS)
    try:
        data = draw(CONTENT).encode(charset, errors="replace")
    except LookupError:
        data = draw(CONTENT).encode("utf-8", errors="surrogateescape")
    if encoding == "base64":
        data = base64.encodebytes(data)
    elif encoding == "quoted-printable":
        data = quopri.encodestring(data)
    headers = [f"Content-Type: {draw(LEAF_TYPES)}; charset={charset}", f"Content-Transfer-Encoding: {encoding}"]
    if disposition := draw(DISPOSITIONS):
        headers.append(f"Content-Disposition: {disposition}")
    if draw(st.booleans()):
        headers.append("Content-ID: <part@x.example>")
    return "\r\n".join(headers).encode() + b"\r\n\r\n" + data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=mime_parts(), subject=HEADER_VALUES)
def test_property_any_mime_tree_parses_into_bounded_fields(tree, subject):
    raw = b"From: dana@frontrangefiber.example\r\nSubject: " + subject + b"\r\nMIME-Version: 1.0\r\n" + tree
    assert_well_formed(parse(raw))


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=400))
def test_property_arbitrary_bytes_raise_only_malformed_message(raw):
    try:
        parsed = parse(raw)
    except MalformedMessage:
        return
    assert_well_formed(parsed)


def assert_well_formed(parsed: Parsed) -> None:
    """Every field of ``parsed`` has its type, its bound and clean characters."""
    strings = [parsed.message_id, parsed.sender, parsed.sender_name, parsed.subject, parsed.text, parsed.reply]
    strings += parsed.in_reply_to + parsed.references + parsed.recipients
    strings += [a.filename for a in parsed.attachments] + [a.content_type for a in parsed.attachments]
    for value in strings:
        assert isinstance(value, str)
        assert "\x00" not in value
        assert not any(unicodedata.category(ch) == "Cs" for ch in value)  # stores as UTF-8
    assert len(parsed.subject) <= 300 and "\n" not in parsed.subject
    assert len(parsed.text) <= 60_000 and len(parsed.reply) <= 60_000
    assert len(parsed.sender_name) <= 300
    for message_id in [parsed.message_id, *parsed.in_reply_to, *parsed.references]:
        assert len(message_id) <= 998 and not any(c in message_id for c in "<> \t\n")
    assert len(parsed.in_reply_to) <= 100 and len(parsed.references) <= 100 and len(parsed.recipients) <= 100
    for address in [parsed.sender, *parsed.recipients]:
        assert address == address.lower() and (address == "" or "@" in address) and len(address) <= 320
    assert all(address for address in parsed.recipients)
    for moment in (parsed.date, parsed.received_at):
        assert moment is None or (isinstance(moment, dt.datetime) and moment.utcoffset() is not None)
    for attachment in parsed.attachments:
        assert 0 < len(attachment.filename) <= 200
        assert not any(c in attachment.filename for c in "/\\\n\r\t\x00")
        assert attachment.filename.strip(". ") == attachment.filename
        assert attachment.content_type == attachment.content_type.lower() and "/" in attachment.content_type
        assert isinstance(attachment.content, bytes)
    assert parsed.automatic in AUTOMATIC_CODES
    assert parsed.is_automatic == bool(parsed.automatic)
    assert isinstance(thread_ids(parsed), list)
