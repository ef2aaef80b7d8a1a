"""Words kept in data, in each language: role names and descriptions, the response guidelines'
wording, the handoff checklist, the service activities. Each has a column per language
(django-modeltranslation, see the apps' translation.py; the back office edits each). WORDS
translates what the portal seeds, keyed by the English text like a catalogue: a row gets a
translation only while its English text is still the seeded one (a carrier that rewrote a role's
description keeps its own words and translates them in the back office)."""

from __future__ import annotations

from django.conf import settings

# English → {language: text}
WORDS: dict[str, dict[str, str]] = {
    # --- Roles (teams.Role: name, also known as, description) -----------------------------------
    "Sales Executive": {"es": "Ejecutivo de ventas", "pt-br": "Executivo de vendas"},
    "Sales/Interconnection Representative or Executive": {
        "es": "Representante o ejecutivo de ventas e interconexión",
        "pt-br": "Representante ou executivo de vendas e interconexão",
    },
    "Your main contact for sales and interconnection, day to day and in an emergency: pricing inquiries, sales "
    "proposals, new Interconnection Agreements and amendments, Bona Fide and Special Requests, contract "
    "compliance.": {
        "es": "Su contacto principal para ventas e interconexión, en el día a día y en una emergencia: consultas "
        "de precios, propuestas comerciales, nuevos acuerdos de interconexión y enmiendas, solicitudes de buena fe "
        "(BFR) y especiales, cumplimiento del contrato.",
        "pt-br": "Seu principal contato para vendas e interconexão, no dia a dia e em emergências: consultas de "
        "preços, propostas comerciais, novos acordos de interconexão e aditivos, solicitações de boa-fé (BFR) e "
        "especiais, cumprimento do contrato.",
    },
    "Sales Director": {"es": "Director de ventas", "pt-br": "Diretor de vendas"},
    "Directs the sales team; available at a senior level when your needs are not being met.": {
        "es": "Dirige el equipo de ventas; lo atiende a nivel directivo cuando sus necesidades no están siendo "
        "resueltas.",
        "pt-br": "Dirige a equipe de vendas; atende você em nível de diretoria quando suas necessidades não estão "
        "sendo atendidas.",
    },
    "Account Director": {"es": "Director de cuenta", "pt-br": "Diretor de contas"},
    "Relationship manager": {"es": "Gerente de relación", "pt-br": "Gerente de relacionamento"},
    "Your overall contact for sales: gathers and confirms your requirements, and works with you on quotes, orders "
    "for more services and the credit application.": {
        "es": "Su punto de contacto general para las ventas: recopila y confirma sus requisitos, y trabaja con "
        "usted en los presupuestos, los pedidos de servicios nuevos o adicionales y la solicitud de crédito.",
        "pt-br": "Seu ponto de contato geral para vendas: levanta e confirma seus requisitos e trabalha com você "
        "nas cotações, nos pedidos de serviços novos ou adicionais e na solicitação de crédito.",
    },
    "Sales Engineer": {"es": "Ingeniero de ventas", "pt-br": "Engenheiro de vendas"},
    "Works with you on the technical options and requirements of your services, knows your network and key "
    "locations, and manages the engineering part of your quote. One per product area: Data, Data Center and "
    "Voice.": {
        "es": "Trabaja con usted en las opciones y los requisitos técnicos de sus servicios, conoce su red y sus "
        "ubicaciones clave, y gestiona la parte de ingeniería de su presupuesto. Uno por área de producto: Datos, "
        "Centro de datos y Voz.",
        "pt-br": "Trabalha com você nas opções e nos requisitos técnicos dos seus serviços, conhece sua rede e "
        "seus locais principais e cuida da parte de engenharia da sua cotação. Um por área de produto: Dados, "
        "Data center e Voz.",
    },
    "Service Manager": {"es": "Gerente de servicio", "pt-br": "Gerente de serviço"},
    "Service Delivery Specialist": {
        "es": "Especialista en prestación del servicio",
        "pt-br": "Especialista em entrega de serviços",
    },
    "Orders (acceptance, delays, cancellations), expedites and escalations, questions on your signed "
    "Interconnection Agreement, maintenance and repair escalations, major outages, testing and post-mortems.": {
        "es": "Pedidos (aceptación, demoras, cancelaciones), agilizaciones y escalamientos, consultas sobre su "
        "acuerdo de interconexión firmado, escalamientos de mantenimiento y reparación, cortes mayores, pruebas y "
        "post mortem (análisis de causa raíz).",
        "pt-br": "Pedidos (aceite, atrasos, cancelamentos), agilizações e escalonamentos, dúvidas sobre seu acordo "
        "de interconexão assinado, escalonamentos de manutenção e reparo, grandes interrupções, testes e "
        "post-mortems (análises de causa raiz).",
    },
    "Service Director": {"es": "Director de servicio", "pt-br": "Diretor de serviço"},
    "Steps in when the Service Manager's efforts have not solved the problem.": {
        "es": "Interviene cuando las gestiones del gerente de servicio no resolvieron el problema.",
        "pt-br": "Intervém quando os esforços do gerente de serviço não resolveram o problema.",
    },
    "Duty Manager": {"es": "Gerente de guardia", "pt-br": "Gerente de plantão"},
    "After-hours repair assistance.": {
        "es": "Asistencia con reparaciones fuera del horario laboral.",
        "pt-br": "Apoio em reparos fora do horário comercial.",
    },
    "Client Support Manager": {"es": "Gerente de soporte al cliente", "pt-br": "Gerente de suporte ao cliente"},
    "Looks after your account through its life: your first bill review and any billing concerns, escalating "
    "trouble tickets, regular business reviews.": {
        "es": "Acompaña su cuenta durante toda su vida: la revisión de su primera factura y cualquier inquietud de "
        "facturación, el escalamiento de trouble tickets y las revisiones periódicas de negocio.",
        "pt-br": "Acompanha sua conta durante toda a vida dela: a revisão da sua primeira fatura e qualquer questão "
        "de faturamento, o escalonamento de chamados de defeito e as revisões periódicas de negócios.",
    },
    "Customer Care Manager": {"es": "Gerente de atención al cliente", "pt-br": "Gerente de atendimento ao cliente"},
    "Follows your order from submission to acceptance, keeps you informed of its status and acts as your "
    "advocate; intervals, order changes and expedite fees.": {
        "es": "Sigue su pedido desde que lo presenta hasta su aceptación, lo mantiene informado de su estado y "
        "defiende sus intereses; plazos, cambios de pedido y cargos por agilización.",
        "pt-br": "Acompanha seu pedido do envio ao aceite, mantém você informado sobre o andamento e defende seus "
        "interesses; prazos, alterações de pedido e taxas de agilização.",
    },
    "Billing Customer Care": {"es": "Atención de facturación", "pt-br": "Atendimento de faturamento"},
    "Every billing request: investigates it for you, resolves disputes and issues credits.": {
        "es": "Toda solicitud de facturación: la investiga en su nombre, resuelve disputas y emite los créditos "
        "correspondientes.",
        "pt-br": "Toda solicitação de faturamento: investiga em seu nome, resolve contestações e emite os créditos "
        "devidos.",
    },
    "Technical Service Center": {"es": "Centro de Servicio Técnico", "pt-br": "Centro de Serviço Técnico"},
    "TSC, 24x7": {"es": "TSC, 24x7", "pt-br": "TSC, 24x7"},
    "Round-the-clock technical support: trouble tickets and repairs, 24 hours a day, 7 days a week.": {
        "es": "Soporte técnico permanente: trouble tickets y reparaciones, las 24 horas, los 7 días de la semana.",
        "pt-br": "Suporte técnico ininterrupto: chamados de defeito e reparos, 24 horas por dia, 7 dias por semana.",
    },
    # --- The response guidelines (escalations.ResponsePolicy: description) ------------------------
    "Pager: a call back within 15–30 minutes in business hours.": {
        "es": "Localizador: le devolvemos la llamada en 15 a 30 minutos en horario laboral.",
        "pt-br": "Pager: retornamos sua ligação em 15 a 30 minutos em horário comercial.",
    },
    "Pager, when your manager is out of the office or without quick phone access: a call back within 4–8 business "
    "hours.": {
        "es": "Localizador, cuando su gerente está fuera de la oficina o sin acceso rápido a un teléfono: le "
        "devolvemos la llamada en 4 a 8 horas hábiles.",
        "pt-br": "Pager, quando seu gerente está fora do escritório ou sem acesso rápido a um telefone: retornamos "
        "sua ligação em 4 a 8 horas úteis.",
    },
    "Voicemail: returned within 4 business hours.": {
        "es": "Correo de voz: le devolvemos la llamada dentro de 4 horas hábiles.",
        "pt-br": "Correio de voz: retornamos sua ligação em até 4 horas úteis.",
    },
    "Voicemail, when your manager is out of the office: returned within 8 business hours.": {
        "es": "Correo de voz, cuando su gerente está fuera de la oficina: le devolvemos la llamada dentro de 8 "
        "horas hábiles.",
        "pt-br": "Correio de voz, quando seu gerente está fora do escritório: retornamos sua ligação em até 8 horas "
        "úteis.",
    },
    "Email and letters: acknowledged within 1 business day, with the date by which you will be contacted.": {
        "es": "Correo electrónico y cartas: acusamos recibo dentro de 1 día hábil, con la fecha en la que lo "
        "contactaremos.",
        "pt-br": "E-mail e cartas: confirmamos o recebimento em até 1 dia útil, com a data em que entraremos em "
        "contato.",
    },
    "Billing email: acknowledged within 48 business hours, which we read as two business days on the handler's "
    "calendar.": {
        "es": "Correo electrónico de facturación: acusamos recibo dentro de 48 horas hábiles, es decir, dos días "
        "hábiles en el calendario de quien lo atiende.",
        "pt-br": "E-mail de faturamento: confirmamos o recebimento em até 48 horas úteis, ou seja, dois dias úteis "
        "no calendário de quem o atende.",
    },
    "Conference call: scheduled as you request, confirmed within 1 business day with an invitation.": {
        "es": "Conferencia telefónica: se programa como usted la solicite y se confirma dentro de 1 día hábil con "
        "una invitación.",
        "pt-br": "Teleconferência: agendada conforme sua solicitação e confirmada em até 1 dia útil com um convite.",
    },
    "Meeting: scheduled as you request, confirmed within 1 business day with an invitation.": {
        "es": "Reunión: se programa como usted la solicite y se confirma dentro de 1 día hábil con una invitación.",
        "pt-br": "Reunião: agendada conforme sua solicitação e confirmada em até 1 dia útil com um convite.",
    },
    "Complaint: within 1 business day your manager sets a target date for the situation and tells you; that date "
    "is then the deadline.": {
        "es": "Reclamo: dentro de 1 día hábil su gerente fija una fecha objetivo para resolver la situación y se la "
        "comunica; esa fecha pasa a ser el plazo.",
        "pt-br": "Reclamação: em até 1 dia útil seu gerente define uma data-alvo para a situação e informa você; "
        "essa data passa a ser o prazo.",
    },
    # --- The handoff checklist (handoffs.ChecklistTemplateItem: title, description) ----------------
    "Corporate profile and contacts reviewed": {
        "es": "Perfil corporativo y contactos revisados",
        "pt-br": "Perfil corporativo e contatos revisados",
    },
    "Walk through the customer's corporate profile and every contact: who they are, their role, how to reach "
    "them.": {
        "es": "Recorrer el perfil corporativo del cliente y cada contacto: quiénes son, qué función cumplen y cómo "
        "comunicarse con ellos.",
        "pt-br": "Percorrer o perfil corporativo do cliente e cada contato: quem são, qual a função de cada um e "
        "como falar com eles.",
    },
    "Sales and service objectives reviewed": {
        "es": "Objetivos de ventas y de servicio revisados",
        "pt-br": "Objetivos de vendas e de serviço revisados",
    },
    "The account's sales and/or service objectives and where they stand.": {
        "es": "Los objetivos de ventas o de servicio de la cuenta, y en qué punto están.",
        "pt-br": "Os objetivos de vendas ou de serviço da conta, e em que pé estão.",
    },
    "Network reviewed": {"es": "Red revisada", "pt-br": "Rede revisada"},
    "Switches, points of interconnection, key locations and the network summary.": {
        "es": "Centrales, puntos de interconexión, ubicaciones clave y el resumen de la red.",
        "pt-br": "Centrais, pontos de interconexão, locais principais e o resumo da rede.",
    },
    "ICA and pending amendments reviewed": {
        "es": "Acuerdo de interconexión y enmiendas pendientes revisados",
        "pt-br": "Acordo de interconexão e aditivos pendentes revisados",
    },
    "The Interconnection Agreement and every amendment still pending or in negotiation.": {
        "es": "El acuerdo de interconexión y cada enmienda todavía pendiente o en negociación.",
        "pt-br": "O acordo de interconexão e cada aditivo ainda pendente ou em negociação.",
    },
    "Meeting schedule handed over": {
        "es": "Calendario de reuniones entregado",
        "pt-br": "Agenda de reuniões repassada",
    },
    "Service reviews, executive reviews and quarterly infrastructure reviews, with attendees.": {
        "es": "Revisiones de servicio, revisiones ejecutivas y revisiones trimestrales de infraestructura, con sus "
        "participantes.",
        "pt-br": "Revisões de serviço, revisões executivas e revisões trimestrais de infraestrutura, com os "
        "participantes.",
    },
    "Open issues and proposals transferred": {
        "es": "Temas abiertos y propuestas transferidos",
        "pt-br": "Pendências e propostas transferidas",
    },
    "Every open escalation and sales proposal moves to the incoming person, with background, parties, commitments "
    "and timelines. Done by the Transfer step.": {
        "es": "Cada escalamiento abierto y cada propuesta comercial pasan a la persona entrante, con antecedentes, "
        "partes, compromisos y plazos. Se completa al transferir el trabajo pendiente.",
        "pt-br": "Cada escalonamento aberto e cada proposta comercial passam para quem assume, com histórico, "
        "partes envolvidas, compromissos e prazos. Concluído ao transferir o trabalho em aberto.",
    },
    "Introduction call or meeting with the customer scheduled": {
        "es": "Llamada o reunión de presentación con el cliente programada",
        "pt-br": "Ligação ou reunião de apresentação com o cliente agendada",
    },
    "Scheduled from the handoff: the customer's contacts and both people receive an invitation.": {
        "es": "Se programa desde el traspaso: los contactos del cliente y las dos personas reciben una invitación.",
        "pt-br": "Agendada a partir da transferência: os contatos do cliente e as duas pessoas recebem um convite.",
    },
    "Files handed over": {"es": "Archivos entregados", "pt-br": "Arquivos repassados"},
    "Emails and documents about the account are in its dossier.": {
        "es": "Los correos electrónicos y documentos de la cuenta están en su expediente.",
        "pt-br": "Os e-mails e documentos da conta estão no dossiê dela.",
    },
    # --- The Client Service Partner's activities (service.Activity: name) ----------------------------
    "Proactive calls to the customer with regular touch points": {
        "es": "Llamadas proactivas al cliente en puntos de contacto periódicos",
        "pt-br": "Ligações proativas ao cliente em pontos de contato regulares",
    },
    "Provide product introduction or enhancement information": {
        "es": "Brindar información sobre la presentación de productos o sus mejoras",
        "pt-br": "Fornecer informações sobre a apresentação de produtos ou suas melhorias",
    },
    "Customer tours of the carrier's data centers": {
        "es": "Visitas del cliente a los centros de datos del operador",
        "pt-br": "Visitas do cliente aos data centers da operadora",
    },
    "Contact management and administration, with new customer contacts": {
        "es": "Gestión y administración de contactos, con los nuevos contactos del cliente",
        "pt-br": "Gestão e administração de contatos, com os novos contatos do cliente",
    },
    "Customer queries (for example, what storage capacity is available?)": {
        "es": "Consultas del cliente (por ejemplo, ¿qué capacidad de almacenamiento hay disponible?)",
        "pt-br": "Consultas do cliente (por exemplo, qual capacidade de armazenamento está disponível?)",
    },
    "The carrier's Service Guide": {
        "es": "La guía de servicios del operador",
        "pt-br": "O guia de serviços da operadora",
    },
    "Customer advocate at the carrier": {
        "es": "Defensor del cliente ante el operador",
        "pt-br": "Defensor do cliente junto à operadora",
    },
    "Contractual queries": {"es": "Consultas contractuales", "pt-br": "Consultas contratuais"},
    "Informing the customer of the carrier's changes, such as the invoice layout or DCMW": {
        "es": "Informar al cliente sobre los cambios del operador, como el formato de la factura o DCMW",
        "pt-br": "Informar o cliente sobre as mudanças da operadora, como o layout da fatura ou DCMW",
    },
    "Portal training": {"es": "Capacitación en el portal", "pt-br": "Treinamento no portal"},
    "Incident and problem trending and reporting": {
        "es": "Análisis de tendencias e informes de incidentes y problemas",
        "pt-br": "Análise de tendências e relatórios de incidentes e problemas",
    },
    "Escalation management (via the Network Operations Center)": {
        "es": "Gestión de escalamientos (a través del Centro de Operaciones de Red)",
        "pt-br": "Gestão de escalonamentos (por meio do Centro de Operações de Rede)",
    },
    "Coordinate the review of customer firewall rules": {
        "es": "Coordinar la revisión de las reglas de firewall del cliente",
        "pt-br": "Coordenar a revisão das regras de firewall do cliente",
    },
    "Review customer infrastructure at service reviews": {
        "es": "Revisar la infraestructura del cliente en las revisiones de servicio",
        "pt-br": "Revisar a infraestrutura do cliente nas revisões de serviço",
    },
    "Undertake a quarterly review of infrastructure monitoring": {
        "es": "Realizar una revisión trimestral del monitoreo de la infraestructura",
        "pt-br": "Realizar uma revisão trimestral do monitoramento da infraestrutura",
    },
    "Review the authorized customer contact list": {
        "es": "Revisar la lista de contactos autorizados del cliente",
        "pt-br": "Revisar a lista de contatos autorizados do cliente",
    },
    "Service reviews": {"es": "Revisiones de servicio", "pt-br": "Revisões de serviço"},
    "SLA monitoring and reporting (via service reviews)": {
        "es": "Monitoreo e informes de SLA (a través de las revisiones de servicio)",
        "pt-br": "Monitoramento e relatórios de SLA (por meio das revisões de serviço)",
    },
    "Executive reviews, including product enhancements and business direction": {
        "es": "Revisiones ejecutivas, incluidas las mejoras de productos y la dirección del negocio",
        "pt-br": "Revisões executivas, incluindo melhorias de produtos e a direção do negócio",
    },
    "Implementation of the SDP (Service Development Plan)": {
        "es": "Implementación del SDP (plan de desarrollo del servicio)",
        "pt-br": "Implementação do SDP (plano de desenvolvimento do serviço)",
    },
    "Proactively manage bill production": {
        "es": "Gestionar de forma proactiva la emisión de facturas",
        "pt-br": "Gerenciar de forma proativa a emissão de faturas",
    },
    "Process service credits": {
        "es": "Procesar los créditos por servicio",
        "pt-br": "Processar os créditos de serviço",
    },
    "Resolve billing enquiries": {
        "es": "Resolver las consultas de facturación",
        "pt-br": "Resolver as consultas de faturamento",
    },
}


def other_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def column(field: str, language: str) -> str:
    """The column holding ``field`` in ``language`` ("pt-br" → ``name_pt_br``)."""
    return f"{field}_{language.replace('-', '_')}"


def in_every_language(*fields) -> list[str]:
    """Each of ``fields``' language columns (a search across languages)."""
    return [column(field, code) for field in fields for code, _name in settings.LANGUAGES]


def in_languages(model, **english) -> dict[str, str]:
    """Model keyword arguments for seeded words: ``description="Voicemail: …"`` becomes a value per
    language column (the English text, then WORDS' translations, the English where there is
    none). A historical model from before the language columns (an early data migration) gets the
    plain field."""
    columns = {f.name for f in model._meta.get_fields()}
    values = {}
    for field, text in english.items():
        if column(field, settings.LANGUAGE_CODE) not in columns:
            values[field] = text
            continue
        values[column(field, settings.LANGUAGE_CODE)] = text
        for language in other_languages():
            values[column(field, language)] = WORDS.get(text, {}).get(language) if text else None
    return values


def copied(source, *fields) -> dict[str, str | None]:
    """Model keyword arguments copying ``fields`` of ``source`` in every language (a handoff's
    checklist item from the template's)."""
    return {name: getattr(source, name) for name in in_every_language(*fields)}


def translate(row, fields) -> list[str]:
    """Fill ``row``'s empty translations of ``fields`` from WORDS, from its English text; return the
    columns set (the caller saves them). Works on historical models in migrations too, whose
    ``field`` attribute is the plain column (the English text there)."""
    changed = []
    for field in fields:
        english = getattr(row, column(field, settings.LANGUAGE_CODE), None) or getattr(row, field)
        if not getattr(row, column(field, settings.LANGUAGE_CODE), None) and english:
            setattr(row, column(field, settings.LANGUAGE_CODE), english)
            changed.append(column(field, settings.LANGUAGE_CODE))
        for language, text in WORDS.get(english, {}).items():
            if not getattr(row, column(field, language), None):
                setattr(row, column(field, language), text)
                changed.append(column(field, language))
    return changed


def translate_all(model, fields) -> int:
    """``translate`` every row of ``model`` (a data migration, the seeds); the rows changed."""
    rows = []
    for row in model.objects.all():
        if translate(row, fields):
            rows.append(row)
    model.objects.bulk_update(rows, in_every_language(*fields))
    return len(rows)
