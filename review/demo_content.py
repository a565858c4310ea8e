"""Demo intents, their policy and example messages for `seed_demo`; written for this project.

Pure data, no Django imports. Each intent carries its automation policy, a draft reply per
language (placeholders: ``{customer_name}``, ``{reference}`` and the intent's required slots)
and hand-written training examples in English and German. ``DEMO_MESSAGES`` are separate
incoming messages that ``seed_demo`` feeds through the real pipeline.
"""

INTENTS: list[dict] = [
    {
        "slug": "delivery_date_change",
        "name": {"en": "Delivery date change", "de": "Liefertermin ändern"},
        "action": "choose",
        "mode": "auto",
        "threshold": 0.80,
        "risk_class": "none",
        "amount_limit": None,
        "required_slots": ["order_number"],
        "qa_sample_rate": 0.05,
        "four_eyes": False,
        "reply_templates": {
            "en": (
                "Hello {customer_name},\n\nthank you for your message about order {order_number}. "
                "We would be happy to change the delivery date for you. Please choose one of the "
                "dates offered below and we will update the booking straight away.\n\n"
                "If none of them suits you, simply reply with a day that works for you and we will "
                "do our best to make it possible.\n\n"
                "Kind regards\nYour customer service team\n\n"
                "Reference: {reference}"
            ),
            "de": (
                "Guten Tag {customer_name},\n\n"
                "vielen Dank für Ihre Nachricht zur Bestellung {order_number}. Den Liefertermin "
                "ändern wir gern für Sie. Bitte wählen Sie einen der unten angebotenen Termine "
                "aus, dann passen wir die Lieferung sofort an.\n\n"
                "Falls keiner der Termine passt, antworten Sie einfach mit einem Wunschtag und wir "
                "versuchen, ihn möglich zu machen.\n\n"
                "Freundliche Grüße\nIhr Kundenservice\n\n"
                "Vorgangsnummer: {reference}"
            ),
        },
        "examples": {
            "en": [
                (
                    "Hi, can I move the delivery of order #A-20931 to next Friday? I won't be home "
                    "on Tuesday."
                ),
                (
                    "Is it possible to change the delivery date for my order? I'm away 12-16 May. "
                    "Order number A-20877."
                ),
                (
                    "I need a different delivery slot please, mornings don't work for me. Order "
                    "A-21004"
                ),
                (
                    "Hello,\n\nI just got the email saying my sofa will be delivered on 3 June "
                    "between 8 and 12. Unfortunately I'm at work then. Could we do a Saturday "
                    "instead?\n\nOrder #A-19822\n\n"
                    "Thanks,\nMegan"
                ),
                "can you deliver on the 14th instead of the 11th? order 4711-2231",
                "Reschedule delivery pls - order A-22310. Any day next week after 4pm is fine.",
                (
                    "Good morning, I'd like to postpone the delivery of my washing machine (order "
                    "#A-20455) by about two weeks as our kitchen renovation is running late. Kind "
                    "regards, Peter Hall"
                ),
                (
                    "We're going on holiday on Thursday, so the delivery you scheduled for Friday "
                    "the 21st won't work. Can you bring it forward to Wednesday or push it to the "
                    "week after? Order A-21466"
                ),
                (
                    "Hi there, is there any chance of an evening delivery slot? I work 9-6. Order "
                    "no. A-20112."
                ),
                (
                    "The delivery is booked for tomorrow but I've got a hospital appointment I "
                    "can't move. Can we pick another day? Order A-21873"
                ),
                "Change delivery date order A-20011",
                (
                    "hey, my fridge is supposed to arrive on 7/8 but the lift in our building is "
                    "being repaired that week. could we do the week after? order #A-23019"
                ),
                (
                    "Dear Sir or Madam,\n\nI would be grateful if you could rearrange the delivery "
                    "of my order A-18770, currently planned for 2 October. Any date from 9 October "
                    "onwards would suit me.\n\nYours faithfully,\n"
                    "Margaret Olsen"
                ),
                (
                    "Can the courier come in the afternoon instead of the morning? Same day is "
                    "fine, just after 1pm. Order A-22145"
                ),
                (
                    "I picked the wrong delivery date at checkout by mistake - I meant the 19th "
                    "not the 9th. Can you fix that? #A-20399"
                ),
                "Would it be possible to have the delivery on a Saturday? Order 4711-5830.",
                (
                    "Hi, my wife will be home on Monday but not on Tuesday, could you swap the "
                    "delivery to Monday? Thanks. Order A-21522"
                ),
                (
                    "Pls dont deliver before the 1st of the month, we only get the keys to the new "
                    "flat then. Order A-20761"
                ),
                (
                    "Hello! Just wondering if I can pick a new delivery window for order #A-19955? "
                    "The current one clashes with a work trip."
                ),
                "I can't be there on the date you gave me. What other dates do you have?",
                (
                    "Need to move my delivery. Order number is A-22870, current slot Thursday "
                    "10am-2pm, would prefer any time Friday."
                ),
                "Hi team, quick one: can order A-21100 be delivered a day later? Cheers, Tom",
                (
                    "The delivery for my bed frame is scheduled for 12/03 but I'm moving that "
                    "week. Can we reschedule to late March? Order #A-20598. Many thanks."
                ),
                (
                    "Is it too late to change the delivery day? Order A-23301 is due tomorrow and "
                    "nobody will be in."
                ),
                (
                    "I'd like the dishwasher delivered after 20 November please, not before. Order "
                    "A-20644. The plumber still has to take the old one out first."
                ),
                "could u deliver next week instead, sorry for the hassle. order A-21950",
                (
                    "Hi, I got a text with a delivery date of 28 April. Can I change it? The link "
                    "in the text doesn't work. Order #A-22004"
                ),
                "Please rebook my delivery (order A-19801) - I'll be abroad until the 5th.",
                (
                    "Hello, the 7-11am slot is a bit early for me, do you have anything in the "
                    "afternoon on the same day or the next one? Order A-20720. Best, Aisha"
                ),
                (
                    "Our daughter's wedding is on the day you're planning to deliver, ha. Any "
                    "chance of a different day? Order #A-21234"
                ),
                (
                    "Can I choose a specific date for the delivery? I'd want it on the 23rd "
                    "exactly, it's a birthday present. Order A-22519"
                ),
                (
                    "My delivery of order A-21777 is set for a bank holiday and I'd rather not "
                    "wait around all day. Can we do the Tuesday after?"
                ),
                (
                    "Hi, order 4711-6620 - please deliver on Wednesday rather than Monday if at "
                    "all possible. Thank you!"
                ),
                (
                    "Could you hold the delivery until I'm back on my feet? Knee surgery, probably "
                    "2 weeks. My neighbour can't take in something that big. Order A-20090"
                ),
                "Delivery date change request: order #A-23456, from 02.09. to 06.09. please.",
                "hi can i change the time slot? morning is bad",
            ],
            "de": [
                (
                    "Hallo, kann ich den Liefertermin für Bestellung 4711-2231 auf nächsten "
                    "Freitag verschieben? Am Dienstag bin ich leider nicht da."
                ),
                (
                    "Guten Tag,\n\nich möchte den Liefertermin meiner Bestellung 4711-3390 ändern. "
                    "Der 14.05. passt mir leider nicht, ab dem 20.05. wäre ich wieder zu Hause.\n\n"
                    "Mit freundlichen Grüßen\nKarin Weber"
                ),
                "Liefertermin ändern bitte, Bestellung 4711-5012",
                (
                    "Hi, könnt ihr die Lieferung auf nachmittags legen? Vormittags bin ich "
                    "arbeiten. Best.-Nr. 4711-2788"
                ),
                (
                    "Sehr geehrte Damen und Herren, leider bin ich am geplanten Liefertag "
                    "(Donnerstag, 6. März) beruflich verreist. Wäre eine Zustellung in der "
                    "Folgewoche möglich? Bestellnummer 4711-1189. Vielen Dank im Voraus."
                ),
                (
                    "Können Sie die Waschmaschine erst nach dem 1. Juli liefern? Wir ziehen vorher "
                    "noch um. Bestellung 4711-4420"
                ),
                (
                    "Hallo zusammen, ich hab beim Bestellen aus Versehen den falschen Tag "
                    "angeklickt. Statt 9.10. sollte es der 19.10. sein. Bestellnr. 4711-3017"
                ),
                "Ist eine Lieferung am Samstag möglich? Bestellung 4711-6602",
                (
                    "Moin, bitte die Lieferung für 4711-2245 um eine Woche nach hinten schieben. "
                    "Danke!"
                ),
                (
                    "Guten Morgen, am geplanten Liefertag ist unsere Straße wegen Kanalarbeiten "
                    "gesperrt, der LKW kommt also gar nicht bis vors Haus. Können wir auf einen "
                    "anderen Tag ausweichen? Bestellung 4711-3876"
                ),
                "Ich kann am angegebenen Termin nicht. Welche anderen Termine haben Sie?",
                (
                    "Hallo, meine Küche soll am 12.11. kommen, aber der Fliesenleger ist erst am "
                    "15. fertig. Geht die Lieferung auch ab dem 18.11.? Viele Grüße, Jonas Krüger"
                ),
                (
                    "Kannst du mir einen anderen Liefertermin geben? Bin die ganze nächste Woche "
                    "im Urlaub. Bestellung 4711-2099"
                ),
                (
                    "Guten Tag, gibt es bei Ihnen auch Lieferzeiten am Abend? Ich arbeite bis 18 "
                    "Uhr. Bestellnummer 4711-7013"
                ),
                (
                    "Lieferung bitte NICHT vor dem 3. August, da sind wir noch gar nicht "
                    "eingezogen! Best. 4711-5521"
                ),
                (
                    "Sehr geehrtes Serviceteam,\n\n"
                    "für meine Bestellung 4711-1410 ist die Zustellung für Montag, den 2. "
                    "Dezember, zwischen 8 und 12 Uhr angekündigt. Ich bitte um Verlegung auf ein "
                    "Zeitfenster am Nachmittag, gerne auch an einem anderen Tag derselben "
                    "Woche.\n\nFreundliche Grüße\n"
                    "Dr. Heinrich Brandt"
                ),
                "hallo, ich hätte gern einen späteren liefertermin. 4711-6130",
                (
                    "Geht es, dass der Kühlschrank einen Tag früher kommt? Unser alter ist hinüber "
                    "und am Freitag kommen Gäste. Bestellung 4711-2956"
                ),
                (
                    "Der Liefertermin morgen klappt doch nicht, ich muss kurzfristig ins "
                    "Krankenhaus. Können wir einen neuen Termin ausmachen? Bestellung 4711-4417"
                ),
                (
                    "Hallo! Ich würde den Liefertermin fürs Sofa gern ändern, am liebsten auf "
                    "einen Samstag. LG Melanie"
                ),
                (
                    "Bitte Bestellung 4711-8802 nicht am Mittwoch, sondern erst am Donnerstag "
                    "zustellen. Danke und Gruß"
                ),
                (
                    "Wir sind vom 10. bis 24. Juli verreist. Könnten Sie die Lieferung meiner "
                    "Bestellung 4711-3305 in die Woche danach legen?"
                ),
                (
                    "Hab ne SMS bekommen, dass die Lieferung am 28.04. kommt. Kann man das noch "
                    "ändern? Der Link in der SMS geht nicht. Bestellung 4711-9014"
                ),
                (
                    "Guten Tag, ist es noch möglich, den Liefertag zu ändern? Die Lieferung ist "
                    "für morgen geplant und es ist niemand zu Hause. Bestellnummer 4711-2671"
                ),
                (
                    "Könnten Sie bitte das Zeitfenster von 7-11 Uhr auf nachmittags ändern? "
                    "Gleicher Tag wäre in Ordnung. Bestellung 4711-1732"
                ),
                "Terminänderung Lieferung 4711-4048: neuer Wunschtermin 06.09., alternativ 07.09.",
                (
                    "Hallo liebes Team, der geplante Liefertag ist bei uns in Bayern ein Feiertag "
                    "- liefern Sie da überhaupt? Sonst hätte ich gern den Tag danach. Bestellung "
                    "4711-5599"
                ),
                "Lieferung verschieben geht das? bin krank",
                (
                    "Grüß Gott, meine Mutter (82) bekommt die Bestellung 4711-6687 geliefert, sie "
                    "ist aber am Dienstag beim Arzt. Wäre Mittwoch möglich? Vielen Dank, Stefan "
                    "Huber"
                ),
                (
                    "Sehr geehrte Damen und Herren, aufgrund einer Baustelle vor unserem Haus ist "
                    "eine Anlieferung in KW 14 schwierig. Bitte verschieben Sie die Lieferung der "
                    "Bestellung 4711-3120 in KW 16."
                ),
                (
                    "Hi, mein Nachbar kann das Paket doch nicht annehmen, deshalb brauch ich einen "
                    "anderen Termin. Am besten Freitag. Best.Nr. 4711-7245"
                ),
                "Liefertermin passt nicht, bitte um Alternativen. Gruß M. Schulze",
                (
                    "Huhu, könnt ihr die Matratze genau am 23. liefern? Ist ein "
                    "Geburtstagsgeschenk und vorher soll mein Freund sie nicht sehen 😅 Bestellung "
                    "4711-8123"
                ),
                (
                    "Guten Tag, ich bitte darum, die Lieferung meiner Bestellung 4711-2210 "
                    "zurückzustellen, bis ich mich wieder melde. Wir haben einen Wasserschaden in "
                    "der Wohnung."
                ),
                (
                    "Kann ich den Zustelltermin selbst auswählen? Die Bestellung hat die Nummer "
                    "4711-4590."
                ),
                "Könnt ihr statt Montag lieber Mittwoch kommen? 4711-1055 Danke!",
            ],
        },
    },
    {
        "slug": "contract_adjustment",
        "name": {"en": "Contract adjustment", "de": "Vertragsanpassung"},
        "action": "confirm",
        "mode": "auto",
        "threshold": 0.85,
        "risk_class": "none",
        "amount_limit": None,
        "required_slots": ["contract_number"],
        "qa_sample_rate": 0.10,
        "four_eyes": False,
        "reply_templates": {
            "en": (
                "Hello {customer_name},\n\nthank you for your request regarding contract "
                "{contract_number}. We have prepared the change you asked for. Please confirm that "
                "we should apply it; you will then receive the updated contract details in "
                "writing.\n\nThe change takes effect from the next billing period. If anything is "
                "not as you expected, just reply to this message before confirming.\n\n"
                "Kind regards\nYour customer service team\n\n"
                "Reference: {reference}"
            ),
            "de": (
                "Guten Tag {customer_name},\n\n"
                "vielen Dank für Ihre Anfrage zu Ihrem Vertrag {contract_number}. Wir haben die "
                "gewünschte Änderung vorbereitet. Bitte bestätigen Sie kurz, dass wir sie "
                "durchführen sollen; anschließend erhalten Sie die aktualisierten Vertragsdaten "
                "schriftlich.\n\nDie Änderung gilt ab dem nächsten Abrechnungszeitraum. Sollte "
                "etwas nicht Ihren Vorstellungen entsprechen, antworten Sie bitte vor der "
                "Bestätigung auf diese Nachricht.\n\n"
                "Freundliche Grüße\nIhr Kundenservice\n\n"
                "Vorgangsnummer: {reference}"
            ),
        },
        "examples": {
            "en": [
                (
                    "Hi, I'd like to switch to your green electricity tariff. Contract number "
                    "V-2024-118."
                ),
                (
                    "Please reduce my monthly payment from €85 to €70, we've had solar panels "
                    "installed. Contract V-2023-452"
                ),
                (
                    "Can I increase my monthly instalment? I'd rather not get a big bill at the "
                    "end of the year. Contract no. V-2024-207"
                ),
                (
                    "Hello,\n\nWe've had a baby and are using a lot more electricity now (the "
                    "washing machine never stops!), so I think our monthly direct debit should go "
                    "up to about €120. Our contract number is V-2022-981.\n\n"
                    "Thanks,\nRebecca"
                ),
                "downgrade my internet plan to the 50 Mbit one pls, V-2024-330",
                (
                    "I want to change my tariff to the fixed-price one you advertised. How do I do "
                    "that? Contract V-2023-774"
                ),
                (
                    "Dear team, my partner moved out last month so I now live on my own. Could you "
                    "lower the monthly gas payment accordingly? Contract V-2021-556. Best regards, "
                    "Ian Moss"
                ),
                (
                    "Is it possible to switch from the standard tariff to the night tariff? I "
                    "charge my EV overnight. Contract V-2024-615"
                ),
                "Upgrade to 250 Mbit please. Contract V-2023-138.",
                (
                    "Hi there, my annual statement showed I paid way too much. Can you adjust the "
                    "monthly amount down to €55? V-2024-042"
                ),
                "Can I change from monthly to quarterly payments? Contract V-2022-317",
                (
                    "Good afternoon, I would like to move my electricity contract to the Eco Plus "
                    "tariff from the start of next month. My contract number is V-2024-118. Kind "
                    "regards, Hannah Fischer"
                ),
                (
                    "I work from home now and my usage has gone up. Please raise the instalment a "
                    "bit, maybe €20 more. Contract V-2023-902"
                ),
                (
                    "what's the cheapest tariff you have? i'd like to switch to that. contract "
                    "V-2024-488"
                ),
                (
                    "Hello, we had a heat pump installed in March. Is there a heat pump tariff I "
                    "can add to my contract? Contract V-2022-640."
                ),
                (
                    "Could you change my payment date from the 1st to the 15th of the month? "
                    "Contract V-2023-219"
                ),
                "Please change my gas tariff to the 24-month fixed price. V-2024-771",
                "I'm on the Basic plan and want to go up to Comfort. Contract V-2021-093, thanks!",
                (
                    "Hi, the new prices from January are too expensive for me. Is there a cheaper "
                    "option I can switch to without cancelling? V-2023-355"
                ),
                "Please set my monthly instalment to €64. Contract number V-2024-509.",
                (
                    "Hey, can I drop the TV package from my internet contract but keep the rest? "
                    "V-2022-874"
                ),
                (
                    "We'll be working abroad for six months from April. Can the monthly payment be "
                    "reduced while the house is empty? Contract V-2023-611"
                ),
                (
                    "Dear Sir/Madam, following the recent price change I would like to review my "
                    "current tariff. Please switch me to whichever tariff is most suitable for an "
                    "annual consumption of approx. 2,800 kWh. Contract V-2020-447. Yours "
                    "sincerely, G. Patel"
                ),
                "Change of tariff - contract V-2024-860 - to Power Flex",
                (
                    "The monthly payment you've set is much too high, I use far less than that. "
                    "Please lower it. Contract V-2023-128."
                ),
                (
                    "Hi, I'd like to upgrade my broadband and add a landline. Contract V-2024-299. "
                    "Cheers"
                ),
                (
                    "Can I switch my contract to the online tariff with e-mail bills? I heard it's "
                    "a bit cheaper. V-2022-510"
                ),
                (
                    "i got a letter saying my budget payment goes up to €142, thats way too much, "
                    "can we keep it at €110? V-2024-377"
                ),
                (
                    "Please adjust my contract - I'd like to move from the 12-month to the "
                    "24-month price guarantee. Ref V-2023-064."
                ),
                (
                    "Hello, there are now 4 people in our household instead of 2, please adapt the "
                    "advance payment. Contract number V-2021-733, thank you."
                ),
                "Could you change my meter to a day/night dual-rate tariff? V-2024-145",
                (
                    "Is it possible to downgrade to a smaller data package? 20 GB is way more than "
                    "I need. Contract V-2023-990"
                ),
                "I want to change my plan.",
                (
                    "Hi, please increase my monthly gas payment to €95 for the winter. Contract "
                    "V-2024-118. Thanks, Lucy"
                ),
                (
                    "We've just bought an electric car. Do you have a special tariff for that? If "
                    "so, please switch me over. Contract V-2022-428."
                ),
            ],
            "de": [
                (
                    "Hallo, ich möchte meinen Abschlag von 95 € auf 80 € senken. Vertragsnummer "
                    "V-2024-118."
                ),
                (
                    "Guten Tag,\n\nbitte stellen Sie meinen Stromvertrag (Vertragsnummer "
                    "V-2023-452) zum nächstmöglichen Zeitpunkt auf den Ökostromtarif um.\n\n"
                    "Mit freundlichen Grüßen\nAndreas Lehmann"
                ),
                "Abschlag erhöhen auf 110 Euro, V-2022-981",
                (
                    "Hi, wir haben jetzt eine PV-Anlage auf dem Dach. Können wir den monatlichen "
                    "Abschlag runtersetzen? Vertrag V-2024-207"
                ),
                (
                    "Sehr geehrte Damen und Herren, da sich unser Haushalt vergrößert hat "
                    "(Nachwuchs!), bitte ich um Anpassung des monatlichen Abschlags auf 135,00 €. "
                    "Vertragsnr.: V-2021-556"
                ),
                (
                    "Kann ich von Gas Basis zu Gas Fix 24 wechseln? Meine Vertragsnummer ist "
                    "V-2023-774."
                ),
                "Ich hätte gern den Nachtstromtarif, wir laden das E-Auto immer nachts. V-2024-615",
                (
                    "Moin, bitte meinen Internettarif auf 250 Mbit hochstufen. Vertrag V-2023-138. "
                    "Danke!"
                ),
                (
                    "Laut Jahresabrechnung habe ich deutlich zu viel gezahlt. Bitte den Abschlag "
                    "entsprechend senken. Vertragsnummer V-2024-042"
                ),
                (
                    "Hallo, können Sie meine Abschlagszahlung von monatlich auf vierteljährlich "
                    "umstellen? V-2022-317"
                ),
                (
                    "Guten Tag, ich möchte in den günstigeren Tarif wechseln, den Sie gerade auf "
                    "Ihrer Website bewerben. Geht das ohne Kündigung? Vertragsnummer V-2023-355"
                ),
                (
                    "Seit ich im Homeoffice bin, verbrauche ich mehr Strom. Erhöhen Sie bitte den "
                    "Abschlag um 20 €. V-2023-902"
                ),
                "Tarifwechsel bitte! V-2024-488 → Strom Flex",
                (
                    "Hallo liebes Team, wir haben seit März eine Wärmepumpe. Gibt es dafür einen "
                    "speziellen Tarif? Wenn ja, bitte umstellen. Vertrag V-2022-640. Viele Grüße, "
                    "Familie Hoffmann"
                ),
                (
                    "Könnten Sie den Abbuchungstag vom 1. auf den 15. des Monats legen? "
                    "Vertragsnummer V-2023-219"
                ),
                (
                    "Ich möchte meinen Gasvertrag auf die 24-monatige Preisgarantie umstellen. "
                    "V-2024-771"
                ),
                "Von Basic auf Komfort upgraden bitte. V-2021-093",
                (
                    "Servus, unser Sohn ist ausgezogen, wir sind nur noch zu zweit. Kann der "
                    "Abschlag runter? Vertrag V-2023-611. Gruß Franz"
                ),
                (
                    "Bitte setzen Sie meinen monatlichen Abschlag auf 64 € fest. Vertragsnummer "
                    "V-2024-509."
                ),
                (
                    "Kann ich das TV-Paket aus meinem Vertrag rausnehmen und nur das Internet "
                    "behalten? V-2022-874"
                ),
                (
                    "Sehr geehrte Damen und Herren,\n\n"
                    "aufgrund der angekündigten Preisanpassung bitte ich um Prüfung, welcher Tarif "
                    "bei meinem Jahresverbrauch von ca. 2.800 kWh am günstigsten ist, sowie um "
                    "entsprechende Umstellung.\n\n"
                    "Vertragsnummer: V-2020-447\n\n"
                    "Hochachtungsvoll\nGünther Pohl"
                ),
                (
                    "Der neue Abschlag von 142 € ist viel zu hoch!! Bitte lassen Sie ihn bei 110 "
                    "€. V-2024-377"
                ),
                "hallo, kann man den tarif ändern? v-2023-128",
                (
                    "Ich will auf den Online-Tarif mit E-Mail-Rechnung umstellen, der ist doch "
                    "günstiger, oder? Vertragsnr V-2022-510"
                ),
                (
                    "Wir sind ab April für ein halbes Jahr beruflich im Ausland, die Wohnung steht "
                    "dann leer. Können Sie den Abschlag für die Zeit reduzieren? Vertrag V-2020-812"
                ),
                (
                    "Guten Tag, bitte stellen Sie meinen Zähler auf einen Zweitarif (HT/NT) um. "
                    "Vertragsnummer V-2024-145."
                ),
                (
                    "Hey, ich bräuchte ein kleineres Datenpaket, 20 GB schaff ich nie. Vertrag "
                    "V-2023-990"
                ),
                "Hallo, ich möchte meinen Vertrag ändern.",
                (
                    "Bitte den Gasabschlag für den Winter auf 95,00 € erhöhen. Danke, Lena Bauer, "
                    "V-2024-118"
                ),
                (
                    "Guten Tag, ich habe ein Schreiben zur Abschlagserhöhung bekommen. Ich würde "
                    "stattdessen lieber in den Festpreistarif wechseln. Geht das? Vertrag "
                    "V-2022-428"
                ),
                (
                    "Kannst du mir sagen, wie ich aus der Grundversorgung in einen normalen Tarif "
                    "komme? Vertragsnummer V-2024-860. Am besten gleich umstellen."
                ),
                (
                    "Anpassung Abschlagszahlung - Vertrag V-2021-733 - wir sind jetzt 4 Personen "
                    "im Haushalt statt 2."
                ),
                (
                    "Hallo, ich würde gern Festnetz zu meinem Internetvertrag dazubuchen. "
                    "V-2024-299. LG"
                ),
                (
                    "Mein Abschlag ist zu niedrig angesetzt, ich will keine böse Überraschung bei "
                    "der Nachzahlung. Bitte auf 75 € anheben. Vertragsnummer V-2023-064"
                ),
                (
                    "Sehr geehrtes Team, ich bitte um Wechsel von Ökostrom Plus zurück in den "
                    "Standardtarif, ich muss leider sparen. Vertrag V-2022-199. Freundliche Grüße, "
                    "E. Yilmaz"
                ),
            ],
        },
    },
    {
        "slug": "address_change",
        "name": {"en": "Address change", "de": "Adressänderung"},
        "action": "confirm",
        "mode": "auto",
        "threshold": 0.85,
        "risk_class": "none",
        "amount_limit": None,
        "required_slots": [],
        "qa_sample_rate": 0.05,
        "four_eyes": False,
        "reply_templates": {
            "en": (
                "Hello {customer_name},\n\nthank you for letting us know about your new address. "
                "Please check the address we have taken from your message and confirm that it is "
                "correct. As soon as you confirm, we will update your customer account, and all "
                "future deliveries, bills and letters will go to the new address.\n\n"
                "If you have an active energy contract, we will also take care of the move for you "
                "and get in touch about the meter reading.\n\n"
                "Kind regards\nYour customer service team\n\n"
                "Reference: {reference}"
            ),
            "de": (
                "Guten Tag {customer_name},\n\n"
                "vielen Dank für die Mitteilung Ihrer neuen Adresse. Bitte prüfen Sie die "
                "Anschrift, die wir aus Ihrer Nachricht übernommen haben, und bestätigen Sie, dass "
                "sie stimmt. Sobald Sie bestätigt haben, aktualisieren wir Ihr Kundenkonto; "
                "künftige Lieferungen, Rechnungen und Schreiben gehen dann an die neue Adresse.\n\n"
                "Falls Sie einen Energievertrag bei uns haben, kümmern wir uns auch um den Umzug "
                "und melden uns wegen des Zählerstands.\n\n"
                "Freundliche Grüße\nIhr Kundenservice\n\n"
                "Vorgangsnummer: {reference}"
            ),
        },
        "examples": {
            "en": [
                (
                    "Hi, I'm moving on 1 March. My new address is 14 Elm Street, Bristol BS1 4DJ. "
                    "Please update my account."
                ),
                "Please change my billing address to: Flat 3, 27 Marlow Road, Leeds LS6 2BQ",
                (
                    "We've moved! New address: 58 Harbour View, Portsmouth PO1 3AX. Please send "
                    "everything there from now on. Thanks, the Greens"
                ),
                (
                    "Hello,\n\nI am relocating for work and will be moving out of my current flat "
                    "at the end of the month. From 1 September my address will be:\n\n"
                    "22 Queen's Crescent\nEdinburgh EH9 2BB\n\n"
                    "Please update both the delivery and billing address on my account.\n\n"
                    "Best regards,\nFiona MacLeod"
                ),
                "change of address pls. new one is 9 Birch Close, Reading RG2 7PU",
                "I need to update my address, how do I do that? The website won't let me save it.",
                (
                    "Could you please change the delivery address for future orders? I've moved to "
                    "101 Canal Street, Manchester M1 3HE."
                ),
                (
                    "Hi, we're moving house next week. What do I need to do so the electricity "
                    "contract comes with us? New address from 15/06 is 3 Orchard Lane, Bath BA2 "
                    "6RT."
                ),
                (
                    "My address is wrong on my bills. It should be 45B Station Road, not 45A. Can "
                    "you correct it?"
                ),
                "Please note my new postal address: PO Box 1123, Cambridge CB1 0AA.",
                (
                    "Dear Sir or Madam, please be advised that as of 30 November my residential "
                    "address will change to 7 Kensington Gardens, London W8 4PX. Kindly amend your "
                    "records. Yours faithfully, Charles Whitmore"
                ),
                (
                    "Moving to Germany soon! New address from July: Lindenstraße 12, 10969 Berlin. "
                    "Can you still deliver there?"
                ),
                (
                    "I've moved in with my boyfriend. Please update my address to 16 Willow Way, "
                    "Norwich NR4 7TJ. Thx"
                ),
                (
                    "Hello, the billing address should be my company from now on: Brightside Ltd, "
                    "2 Mill Lane, Oxford OX1 1AA. Delivery address stays the same."
                ),
                "Update address: 88 Riverside Drive, Apt 4C, Cork T12 XY34",
                (
                    "Hi, I just noticed my account still has my old address in Glasgow. I moved to "
                    "Dundee last year, 5 Perth Road, DD1 4HT. Sorry!"
                ),
                (
                    "Can I change the address for my gas bills? We moved out of 12 Fern Ave on "
                    "Saturday, new place is 30 Ash Grove, Derby DE22 1JP."
                ),
                (
                    "Please send all future letters to my daughter's address as I am moving into a "
                    "care home: 19 Hill Top, Sheffield S10 3GH. Regards, Dorothy Evans"
                ),
                "new address: 4 Kings Rd, Brighton. postcode BN1 2FN",
                (
                    "Hi! Quick admin thing: we're moving from the 2nd to the 5th floor in the same "
                    "building, so the flat number changes from 2.3 to 5.1. Could you update that "
                    "so parcels don't get lost?"
                ),
                (
                    "I'm moving abroad for good and my last day at this address is 31 March. "
                    "Forwarding address: 12 Rue des Lilas, 69003 Lyon, France."
                ),
                (
                    "Hello, I've recently separated from my husband and moved out. Please update "
                    "my billing address to 27 Primrose Hill, Leicester LE2 3AB. The account is in "
                    "my name."
                ),
                (
                    "Please amend the delivery address on my account — the council renumbered our "
                    "street and we're now number 14A."
                ),
                (
                    "We're moving in two weeks and I'd like the new address on file before my next "
                    "order ships: 61 Greenway, Cardiff CF14 5GD."
                ),
                "hi my adress has changed, its now 8 Meadow Bank, York YO24 1HF",
                (
                    "Good evening, can you confirm you've got my new address? I emailed it last "
                    "month but the latest bill still went to the old one. It's 33 Lark Rise, "
                    "Exeter EX4 6PL."
                ),
                (
                    "My landlord is selling, so I'm moving out. New address from 1 May: 2 The "
                    "Courtyard, Bolton BL1 4QR. Please update."
                ),
                (
                    "I've moved within the city and need the address on my electricity contract "
                    "changed. New address: 19 Beech Road, Nottingham NG7 1LB."
                ),
                (
                    "Please correct my street name - it's Victoria Terrace, not Victoria Street. "
                    "Thanks."
                ),
                (
                    "Address change for my account please. Moving date 20/09, I'll send the new "
                    "address once I have the keys."
                ),
                (
                    "Hi, just letting you know I've moved. Can you change my details? 71 Coastal "
                    "Road, Swansea SA1 8PP."
                ),
                (
                    "Hello, our office has moved. Invoices should now go to Unit 5, Parkside "
                    "Business Centre, Coventry CV1 2NE. Kind regards, Raj Mehta, Mehta Consulting"
                ),
                (
                    "Need to change the address on my customer account, we bought a house! 40 "
                    "Oakfield Road, Luton LU2 0AZ, from next Monday."
                ),
                "I moved. Please update.",
                (
                    "Hello team, my elderly father has moved in with us, so please change the "
                    "address on his account to ours: 10 Chapel Street, Truro TR1 2PE. I'm his "
                    "daughter and hold power of attorney. Thank you."
                ),
            ],
            "de": [
                (
                    "Hallo, ich ziehe zum 1. März um. Neue Adresse: Lindenstraße 12, 10969 Berlin. "
                    "Bitte ändern Sie meine Daten."
                ),
                "Bitte ändern Sie meine Rechnungsanschrift in: Goethestraße 45, 80336 München.",
                (
                    "Wir sind umgezogen! Ab sofort wohnen wir in der Bahnhofstraße 7, 50667 Köln. "
                    "Viele Grüße, Familie Schneider"
                ),
                (
                    "Sehr geehrte Damen und Herren,\n\n"
                    "hiermit teile ich Ihnen meine neue Anschrift mit:\n\n"
                    "Am Stadtpark 3\n01067 Dresden\n\n"
                    "Die Änderung gilt ab dem 15.06. Bitte passen Sie sowohl die Liefer- als auch "
                    "die Rechnungsadresse an.\n\n"
                    "Mit freundlichen Grüßen\nSabine Wolf"
                ),
                "Adressänderung: neue Adresse Kirchweg 9, 28195 Bremen",
                (
                    "Wie kann ich meine Adresse ändern? Im Kundenkonto lässt sie sich irgendwie "
                    "nicht speichern."
                ),
                (
                    "Hallo, wir ziehen nächste Woche um. Was muss ich tun, damit der Stromvertrag "
                    "mitkommt? Neue Adresse ab 01.08.: Rosenweg 4, 70173 Stuttgart."
                ),
                (
                    "Auf meinen Rechnungen steht die falsche Hausnummer. Richtig ist 23a, nicht "
                    "23. Können Sie das korrigieren?"
                ),
                (
                    "Bin zu meiner Freundin gezogen, bitte Adresse ändern: Hauptstraße 88, 69117 "
                    "Heidelberg. Danke!"
                ),
                (
                    "Guten Tag, die Rechnungen sollen ab jetzt an meine Firma gehen: Müller "
                    "IT-Service GmbH, Industriestraße 14, 90402 Nürnberg. Die Lieferadresse bleibt "
                    "gleich."
                ),
                (
                    "Ab Juli wohne ich in Wien, Mariahilfer Straße 101, 1060 Wien. Liefern Sie "
                    "auch nach Österreich? Dann bitte die Adresse umstellen."
                ),
                "Bitte die Lieferadresse ändern. Neu: Schillerplatz 2, 3. OG, 04109 Leipzig",
                "hallo meine adresse hat sich geändert, neu ist ahornweg 17, 48143 münster",
                (
                    "Sehr geehrte Damen und Herren, ich ziehe in eine Seniorenwohnanlage. Bitte "
                    "senden Sie künftig alle Schreiben an: Haus am See, Zimmer 112, Seestraße 5, "
                    "78462 Konstanz. Mit freundlichen Grüßen, Gertrud Zimmermann"
                ),
                (
                    "Hi, wir ziehen innerhalb des Hauses vom 2. in den 5. Stock. Bitte die Adresse "
                    "anpassen, sonst landen die Pakete beim Nachmieter."
                ),
                (
                    "Bitte korrigieren Sie meinen Straßennamen: Es heißt Eichendorffstraße, nicht "
                    "Eichendorfstraße."
                ),
                (
                    "Hallo, ich hab euch meine neue Adresse schon letzten Monat geschickt, "
                    "trotzdem ging die Rechnung an die alte. Neu ist: Marktplatz 6, 37073 "
                    "Göttingen."
                ),
                (
                    "Wir haben ein Haus gekauft 🎉 Ab 1. Mai: Am Weinberg 21, 55116 Mainz. Bitte "
                    "Kundenkonto aktualisieren."
                ),
                (
                    "Guten Tag, nach meiner Trennung bin ich ausgezogen. Bitte ändern Sie die "
                    "Rechnungsadresse auf: Kastanienallee 30, 10435 Berlin. Der Vertrag läuft auf "
                    "meinen Namen."
                ),
                (
                    "Adressänderung für den Gasvertrag - ich bin innerhalb von Hamburg umgezogen. "
                    "Neu: Osterstraße 112, 20259 Hamburg."
                ),
                (
                    "Servus, neue Adresse ist Leopoldstraße 40, 80802 München. Ab wann sehe ich "
                    "das im Konto?"
                ),
                "Ich zieh um.",
                (
                    "Sehr geehrtes Service-Team, bitte hinterlegen Sie ab dem 01.10. folgende "
                    "Anschrift: Postfach 1234, 60311 Frankfurt am Main. Vielen Dank."
                ),
                (
                    "Unsere Straße wurde von der Stadt umbenannt, aus „Feldweg“ wurde „Am "
                    "Feldrain“. Hausnummer bleibt die 8, PLZ 34117 Kassel. Bitte anpassen."
                ),
                (
                    "Hallo, mein Vater ist zu uns gezogen. Bitte ändern Sie seine Adresse auf "
                    "unsere: Lindenallee 3, 24103 Kiel. Eine Vorsorgevollmacht habe ich."
                ),
                (
                    "Ich ziehe nächsten Monat um und möchte die neue Adresse hinterlegen, bevor "
                    "meine nächste Bestellung rausgeht. Die genaue Anschrift schicke ich, sobald "
                    "der Mietvertrag unterschrieben ist."
                ),
                (
                    "Moin! Kurze Info: Wir wohnen jetzt in der Fischergrube 11, 23552 Lübeck. Die "
                    "alte Adresse bitte löschen."
                ),
                (
                    "Könnten Sie bitte die Lieferanschrift auf meine Arbeitsadresse ändern? Da ist "
                    "tagsüber immer jemand. Friedrichstraße 200, 10117 Berlin, Empfang 4. Etage."
                ),
                "Anschrift geändert: Weidenweg 5, 99084 Erfurt. Gilt für Strom und Gas.",
                (
                    "Liebes Team, ich bin umgezogen und weiß nicht, ob ich das hier oder im "
                    "Kundenportal melden muss. Meine neue Adresse ist Blumenstraße 19, 93047 "
                    "Regensburg. LG Tanja"
                ),
                (
                    "Bitte neue Adresse hinterlegen, die alte stimmt nicht mehr. Neu: Am Rathaus "
                    "2, 53111 Bonn"
                ),
                (
                    "Guten Tag, meine Tochter zieht fürs Studium aus, ihr Kundenkonto soll auf die "
                    "neue Adresse umgestellt werden: Studentenwohnheim Nord, App. 214, "
                    "Universitätsstraße 8, 35037 Marburg."
                ),
                (
                    "Umzugsmeldung: Auszug Mozartstraße 3 am 30.09., Einzug Beethovenweg 12, 86150 "
                    "Augsburg am 01.10."
                ),
                (
                    "Hallo, kannst du bitte meine Adresse im Konto ändern? Neu ist Hafenstraße 9, "
                    "18055 Rostock. Danke dir!"
                ),
                (
                    "Sehr geehrte Damen und Herren, mit Wirkung zum 01.04. verlegen wir unseren "
                    "Firmensitz. Neue Rechnungsanschrift: Schmidt & Partner Steuerberatung, "
                    "Königsallee 60, 40212 Düsseldorf."
                ),
            ],
        },
    },
    {
        "slug": "order_status",
        "name": {"en": "Order status", "de": "Bestellstatus"},
        "action": "reply",
        "mode": "auto",
        "threshold": 0.80,
        "risk_class": "none",
        "amount_limit": None,
        "required_slots": ["order_number"],
        "qa_sample_rate": 0.05,
        "four_eyes": False,
        "reply_templates": {
            "en": (
                "Hello {customer_name},\n\nthank you for your enquiry about order {order_number}. "
                "You can follow the current status at any time in your customer account under 'My "
                "orders'; as soon as the parcel has been handed to the carrier, you will also find "
                "the tracking link there.\n\n"
                "If your parcel has not arrived within three working days of the expected delivery "
                "date, please reply to this message and we will contact the carrier for you.\n\n"
                "Kind regards\nYour customer service team\n\n"
                "Reference: {reference}"
            ),
            "de": (
                "Guten Tag {customer_name},\n\n"
                "vielen Dank für Ihre Nachfrage zur Bestellung {order_number}. Den aktuellen Stand "
                "sehen Sie jederzeit in Ihrem Kundenkonto unter „Meine Bestellungen“; sobald das "
                "Paket an den Versanddienstleister übergeben wurde, finden Sie dort auch den Link "
                "zur Sendungsverfolgung.\n\nSollte Ihr Paket drei Werktage nach dem "
                "voraussichtlichen Liefertermin noch nicht angekommen sein, antworten Sie bitte "
                "auf diese Nachricht, dann fragen wir direkt beim Versanddienstleister nach.\n\n"
                "Freundliche Grüße\nIhr Kundenservice\n\n"
                "Vorgangsnummer: {reference}"
            ),
        },
        "examples": {
            "en": [
                "Where is my order? #A-20931",
                (
                    "Hi, I ordered a coffee machine on 2 May and haven't heard anything since. "
                    "Order A-20412. Could you tell me when it'll arrive?"
                ),
                "My tracking hasn't updated in 4 days. Is the parcel lost? Order #A-21877",
                (
                    "Hello,\n\ncould you please give me an update on order A-19934? The website "
                    "has said 'processing' since last Monday.\n\n"
                    "Thanks,\nDaniel"
                ),
                "when will my order ship?? A-22810",
                (
                    "The tracking link in my confirmation email doesn't work. Can you send me the "
                    "tracking number for order A-20006?"
                ),
                "It said delivery by Friday, it's now Tuesday. Where is it? Order 4711-2231",
                (
                    "Hi there! Just checking on the status of my order #A-21450 - it's a gift so "
                    "I'm a bit nervous, lol."
                ),
                "Has my order been dispatched yet? Order number A-20119.",
                (
                    "Dear customer service, I placed order A-18891 three weeks ago and paid "
                    "immediately via PayPal. I have not received a shipping confirmation. Could "
                    "you please look into this? Regards, Helen Carter"
                ),
                (
                    "The tracking says delivered but I haven't got anything. Order #A-22301. Did "
                    "it go to a neighbour?"
                ),
                "any news on order A-21003?",
                (
                    "Order A-20555: tracking shows it's been sitting in the Birmingham depot since "
                    "Saturday. What's going on?"
                ),
                (
                    "Hello, how long does delivery usually take? I ordered yesterday (A-23410) and "
                    "need it by the 15th."
                ),
                (
                    "My order was split into two parcels and I only got one. Where is the other? "
                    "Order A-21678"
                ),
                (
                    "Hi, I got an email saying my order is delayed, but no new date. When can I "
                    "expect it? A-20874"
                ),
                "Could you check the status of my order please? Number A-22099. Many thanks.",
                (
                    "I've been waiting almost two weeks for the garden chairs. Order #A-19760. "
                    "Nobody answers the phone."
                ),
                (
                    "Good morning, which courier is delivering order A-21340? I want to know "
                    "whether I need to stay home."
                ),
                "Status of order A-20202?",
                (
                    "hey did my order even go through? i got charged but no confirmation email. "
                    "bought a kettle around 3pm today"
                ),
                (
                    "Hi, my parcel has been stuck 'in transit' since 09/04. Order A-20988. Thanks "
                    "in advance for checking."
                ),
                (
                    "When will the backordered item in order A-21155 be available? Everything else "
                    "has arrived already."
                ),
                (
                    "Hello, the courier left a card saying they tried to deliver, but I was home "
                    "all day. When will they try again? Order #A-22678"
                ),
                "Just wondering if order A-20330 is still on track for delivery this week?",
                (
                    "Where's my stuff? Ordered last Thursday, order A-21999. Getting a bit annoyed "
                    "now."
                ),
                (
                    "Dear Sir or Madam, I would be grateful for information regarding the expected "
                    "delivery date of my order A-19402, placed on 14 January. Yours sincerely, "
                    "Robert Lang"
                ),
                (
                    "Hi, the app shows my order as 'cancelled' but I never cancelled it?? Order "
                    "A-22417 - what happened?"
                ),
                "can you tell me the tracking number for A-20761 please",
                (
                    "My order A-21528 was supposed to arrive before Christmas. It's the 23rd. Is "
                    "it coming or not?"
                ),
                "Is my click & collect order ready yet? Order A-22033, Leeds store.",
                "hello? I ordered 10 days ago. nothing.",
                (
                    "Hi team, I placed two orders (A-20870 and A-20871) - can you confirm both are "
                    "being shipped? I only got one confirmation."
                ),
                (
                    "The parcel for order #A-21642 shows 'returned to sender'. Why? I didn't "
                    "refuse it."
                ),
                (
                    "Good afternoon. Could someone let me know where order A-20190 is? The "
                    "estimated delivery was yesterday. Thank you, Mrs J. Pratt"
                ),
            ],
            "de": [
                "Wo bleibt meine Bestellung 4711-2231?",
                (
                    "Hallo, ich habe am 2. Mai eine Kaffeemaschine bestellt und seitdem nichts "
                    "mehr gehört. Bestellnummer 4711-3302. Wann kommt sie denn?"
                ),
                (
                    "Die Sendungsverfolgung hat sich seit 4 Tagen nicht bewegt. Ist das Paket "
                    "verloren gegangen? Bestellung 4711-1877"
                ),
                (
                    "Guten Tag,\n\nkönnten Sie mir bitte den aktuellen Stand meiner Bestellung "
                    "4711-9934 mitteilen? Im Kundenkonto steht seit letztem Montag „in "
                    "Bearbeitung“.\n\nVielen Dank\n"
                    "Daniel Schäfer"
                ),
                "wann wird meine bestellung endlich verschickt?? 4711-2810",
                (
                    "Der Tracking-Link in der Bestätigungsmail funktioniert nicht. Können Sie mir "
                    "die Sendungsnummer für 4711-2006 schicken?"
                ),
                (
                    "Lieferung war bis Freitag angekündigt, jetzt ist Dienstag. Wo ist das Paket? "
                    "Bestellung 4711-5560"
                ),
                (
                    "Hallöchen, ich wollte mal nach dem Stand meiner Bestellung 4711-1450 fragen - "
                    "ist ein Geschenk, deswegen bin ich etwas nervös 🙈"
                ),
                "Ist meine Bestellung schon raus? Nr. 4711-2119",
                (
                    "Sehr geehrte Damen und Herren, ich habe vor drei Wochen die Bestellung "
                    "4711-8891 aufgegeben und sofort per PayPal bezahlt. Eine Versandbestätigung "
                    "habe ich bis heute nicht erhalten. Bitte prüfen Sie den Vorgang. Mit "
                    "freundlichen Grüßen, Helga Kaiser"
                ),
                (
                    "Laut Sendungsverfolgung zugestellt, aber hier ist nichts angekommen. "
                    "Bestellung 4711-2301. Vielleicht beim Nachbarn abgegeben?"
                ),
                "gibts was neues zu 4711-1003?",
                (
                    "Bestellung 4711-5055: Das Paket liegt laut Tracking seit Samstag im "
                    "Verteilzentrum Hannover. Was ist da los?"
                ),
                (
                    "Wie lange dauert die Lieferung normalerweise? Hab gestern bestellt "
                    "(4711-3410) und brauche es bis zum 15."
                ),
                (
                    "Meine Bestellung wurde auf zwei Pakete aufgeteilt, eins ist da. Wo bleibt das "
                    "zweite? 4711-1678"
                ),
                (
                    "Hallo, ich habe eine Mail bekommen, dass sich meine Bestellung verzögert, "
                    "aber ohne neuen Termin. Wann kann ich damit rechnen? 4711-0874"
                ),
                "Könnten Sie bitte den Status meiner Bestellung prüfen? Nummer 4711-2099. Danke!",
                (
                    "Ich warte jetzt fast zwei Wochen auf die Gartenstühle. Bestellung 4711-9760. "
                    "Am Telefon geht keiner ran."
                ),
                (
                    "Guten Morgen, mit welchem Paketdienst kommt meine Bestellung 4711-1340? Ich "
                    "muss wissen, ob ich zu Hause bleiben muss."
                ),
                "Status Bestellung 4711-0202?",
                (
                    "hey ist meine bestellung überhaupt durchgegangen? geld ist weg aber keine "
                    "bestätigung. wasserkocher, heute so gegen 15 uhr"
                ),
                (
                    "Hallo, mein Paket hängt seit dem 09.04. auf „in Zustellung“. Bestellung "
                    "4711-0988. Danke fürs Nachschauen!"
                ),
                (
                    "Wann ist der nachbestellte Artikel aus meiner Bestellung 4711-1155 lieferbar? "
                    "Der Rest ist schon da."
                ),
                (
                    "Der Bote hat eine Karte eingeworfen, er hätte mich nicht angetroffen - ich "
                    "war aber den ganzen Tag zu Hause! Wann kommt er wieder? Bestellung 4711-2678"
                ),
                "Ist die Lieferung für 4711-0330 noch für diese Woche geplant?",
                "Wo ist mein Zeug? Letzten Donnerstag bestellt, 4711-1999. Langsam nervt es.",
                (
                    "Sehr geehrte Damen und Herren, ich bitte um Auskunft über den "
                    "voraussichtlichen Liefertermin meiner Bestellung 4711-9402 vom 14. Januar. "
                    "Hochachtungsvoll, Robert Lange"
                ),
                (
                    "In der App steht meine Bestellung als „storniert“, ich habe aber nichts "
                    "storniert?! 4711-2417 - was ist da passiert?"
                ),
                "kannst du mir die sendungsnummer für 4711-0761 geben bitte",
                (
                    "Die Bestellung 4711-1528 sollte vor Weihnachten da sein. Heute ist der 23. "
                    "Kommt die noch oder nicht?"
                ),
                (
                    "Ist meine Click-&-Collect-Bestellung 4711-2033 schon abholbereit? Filiale "
                    "Dortmund."
                ),
                "hallo? hab vor 10 tagen bestellt. nix passiert.",
                (
                    "Hallo Team, ich habe zwei Bestellungen aufgegeben (4711-0870 und 4711-0871). "
                    "Werden beide verschickt? Bestätigt wurde nur eine."
                ),
                (
                    "Das Paket zu Bestellung 4711-1642 zeigt „Rücksendung an Absender“. Warum? Ich "
                    "habe die Annahme nicht verweigert."
                ),
                (
                    "Guten Tag, können Sie mir sagen, wo meine Bestellung 4711-0190 steckt? "
                    "Voraussichtliche Lieferung war gestern. Danke, Jutta Pfeiffer"
                ),
            ],
        },
    },
    {
        "slug": "invoice_copy",
        "name": {"en": "Invoice copy", "de": "Rechnungskopie"},
        "action": "reply",
        "mode": "auto",
        "threshold": 0.80,
        "risk_class": "none",
        "amount_limit": None,
        "required_slots": [],
        "qa_sample_rate": 0.05,
        "four_eyes": False,
        "reply_templates": {
            "en": (
                "Hello {customer_name},\n\nthank you for your message. Attached you will find a "
                "copy of the requested invoice as a PDF.\n\n"
                "By the way, you can download all your invoices and bills at any time from your "
                "customer account under 'Invoices'. If you need a copy by post or for a different "
                "period, just let us know.\n\n"
                "Kind regards\nYour customer service team\n\n"
                "Reference: {reference}"
            ),
            "de": (
                "Guten Tag {customer_name},\n\n"
                "vielen Dank für Ihre Nachricht. Im Anhang finden Sie eine Kopie der gewünschten "
                "Rechnung als PDF.\n\nÜbrigens: Alle Rechnungen und Abrechnungen können Sie "
                "jederzeit in Ihrem Kundenkonto unter „Rechnungen“ herunterladen. Wenn Sie eine "
                "Kopie per Post oder für einen anderen Zeitraum benötigen, geben Sie uns einfach "
                "Bescheid.\n\nFreundliche Grüße\n"
                "Ihr Kundenservice\n\nVorgangsnummer: {reference}"
            ),
        },
        "examples": {
            "en": [
                "Could you send me a copy of my last invoice please?",
                "Hi, I need the invoice for order A-20931 for my tax return. Thanks!",
                "Please resend my electricity bill for March, I deleted the email by accident.",
                (
                    "Hello,\n\nour accounting department needs a copy of the invoice for our order "
                    "from 12 February (A-19011). Please send it as a PDF to this address.\n\n"
                    "Best regards,\nLaura Meyer\n"
                    "Accounts Payable"
                ),
                "invoice copy pls",
                (
                    "I can't find the invoice for my laptop in my account. Can you email it to me? "
                    "I need it for the warranty."
                ),
                "Can I get a duplicate of my annual gas statement for 2023? Contract V-2023-774",
                (
                    "Dear Sir or Madam, I would kindly ask you to send me copies of all invoices "
                    "issued to me in the last twelve months. Kind regards, Mr P. Donovan"
                ),
                (
                    "Hi, the invoice is still in my maiden name. Could you send me a new copy made "
                    "out to Sarah Kent? Order A-21222"
                ),
                (
                    "Hello, is it possible to get a VAT invoice for order A-22045? There was only "
                    "a delivery note in the box."
                ),
                (
                    "My grandson is writing this for me. I would like a paper copy of my last bill "
                    "sent by post please, not by email."
                ),
                (
                    "Please send me the final bill for my old flat, my landlord wants to see it. "
                    "Contract V-2022-317"
                ),
                (
                    "Where can I download my invoices? Can't see them anywhere in the app. If it's "
                    "easier just email me the last one."
                ),
                "Need a receipt for order #A-20776, my employer pays me back for it",
                (
                    "Hi, could you re-send the invoice for A-21340? The attachment in your email "
                    "was empty."
                ),
                "Could you send me the bills for January and February? I'm doing my budget.",
                (
                    "Hello! I bought a fridge in your Leeds store in November and lost the "
                    "receipt. Can you send me a copy? Paid by card ending 4417."
                ),
                "Request: copy of invoice no. R-2024-08812.",
                (
                    "Please send an itemised invoice for my last order, the one I got only shows "
                    "the total."
                ),
                (
                    "Hi, my insurance company needs the original invoice for the TV that was "
                    "stolen. Order A-18455 from 2022. Is that still possible?"
                ),
                "I need a copy of last October's bill for a housing benefit application.",
                "hey can u send me the invoice for my last order, i need it for my taxes",
                (
                    "Good afternoon, please could you provide a copy of the most recent statement "
                    "for contract V-2024-118? Many thanks, Alan"
                ),
                "I never got an invoice for order A-22987. Could you send one?",
                (
                    "Dear team, for our records we require duplicate invoices for orders A-20100, "
                    "A-20101 and A-20145. Thank you in advance. Kind regards, Procurement, Hartley "
                    "& Sons"
                ),
                "Can I get the invoice in English? The copy I received is in German. Order A-21777",
                (
                    "Hi, I'm self-employed and need proper invoices with my business address for "
                    "my last three orders. Can you send copies?"
                ),
                (
                    "The invoice PDF in my account won't open. Could you email it instead? Order "
                    "A-20480."
                ),
                "Can I have a copy of the bill please? thx",
                (
                    "Could you please send me a copy of the credit note for my return? I only have "
                    "the original invoice. Order A-19930"
                ),
                (
                    "Hi, I'm applying for a mortgage and the bank wants my last 3 utility bills. "
                    "Can you send them to me? Account V-2023-138"
                ),
                (
                    "I need proof of purchase for order A-21655 - the manufacturer wants an "
                    "invoice for the warranty claim."
                ),
                "Please email the annual statement again, I think it went to spam and got deleted.",
                (
                    "Hello, my tax advisor has asked for all invoices from 2023 in one go. Is "
                    "there a way to get them together? Thanks, Martin"
                ),
                (
                    "Good morning. Kindly forward a copy of invoice 2024-0315 to our finance team "
                    "at this address. Regards, J. Whitaker"
                ),
            ],
            "de": [
                "Können Sie mir bitte eine Kopie meiner letzten Rechnung schicken?",
                (
                    "Hallo, ich brauche die Rechnung zu Bestellung 4711-2231 für die "
                    "Steuererklärung. Danke!"
                ),
                (
                    "Bitte senden Sie mir die Stromrechnung für März noch einmal zu, ich habe die "
                    "Mail versehentlich gelöscht."
                ),
                (
                    "Guten Tag,\n\nunsere Buchhaltung benötigt eine Kopie der Rechnung zu unserer "
                    "Bestellung vom 12.02. (4711-9011). Bitte senden Sie diese als PDF an diese "
                    "Adresse.\n\nMit freundlichen Grüßen\n"
                    "Laura Meier\nKreditorenbuchhaltung"
                ),
                "Rechnungskopie bitte",
                (
                    "Ich finde die Rechnung für meinen Laptop nicht im Kundenkonto. Können Sie sie "
                    "mir mailen? Brauche sie für die Garantie."
                ),
                (
                    "Kann ich ein Duplikat meiner Jahresabrechnung Gas 2023 bekommen? Vertrag "
                    "V-2023-774"
                ),
                (
                    "Sehr geehrte Damen und Herren, hiermit bitte ich um Zusendung von Kopien "
                    "aller Rechnungen der letzten zwölf Monate. Mit freundlichen Grüßen, Peter "
                    "Donath"
                ),
                (
                    "Hallo, auf der Rechnung steht noch mein Mädchenname. Können Sie mir eine neue "
                    "Kopie auf Sarah Kühn ausstellen? Bestellung 4711-1222"
                ),
                (
                    "Guten Tag, kann ich für Bestellung 4711-2045 eine Rechnung mit ausgewiesener "
                    "MwSt. bekommen? Im Paket lag nur ein Lieferschein."
                ),
                (
                    "Mein Enkel schreibt das für mich. Ich hätte gern eine Kopie der letzten "
                    "Rechnung per Post, nicht per E-Mail. Danke."
                ),
                (
                    "Bitte schicken Sie mir die Schlussrechnung für meine alte Wohnung, der "
                    "Vermieter will sie sehen. Vertrag V-2022-317"
                ),
                (
                    "Wo kann ich meine Rechnungen runterladen? In der App finde ich nichts. Sonst "
                    "einfach die letzte per Mail schicken."
                ),
                (
                    "Brauche einen Beleg für Bestellung 4711-0776, mein Arbeitgeber übernimmt die "
                    "Kosten"
                ),
                (
                    "Hallo, könnten Sie die Rechnung für 4711-1340 nochmal schicken? Der Anhang in "
                    "Ihrer Mail war leer."
                ),
                (
                    "Schickt mir bitte die Abrechnungen für Januar und Februar, ich mach gerade "
                    "mein Haushaltsbuch."
                ),
                (
                    "Hallo! Ich habe im November in Ihrer Filiale in Essen einen Kühlschrank "
                    "gekauft und den Kassenbon verloren. Können Sie mir eine Kopie schicken? "
                    "Bezahlt mit EC-Karte, endet auf 4417."
                ),
                "Anforderung: Kopie der Rechnung Nr. R-2024-08812.",
                (
                    "Bitte senden Sie mir eine Rechnung mit allen Einzelpositionen für meine "
                    "letzte Bestellung, auf meiner steht nur die Gesamtsumme."
                ),
                (
                    "Hallo, meine Hausratversicherung braucht die Originalrechnung für den "
                    "gestohlenen Fernseher. Bestellung 4711-8455 aus 2022. Geht das noch?"
                ),
                (
                    "Ich brauche eine Kopie der Rechnung vom Oktober letzten Jahres für meinen "
                    "Wohngeldantrag."
                ),
                (
                    "hey kannst du mir die rechnung von meiner letzten bestellung schicken? brauch "
                    "die für die steuer"
                ),
                (
                    "Guten Tag, bitte senden Sie mir eine Kopie der aktuellen Abrechnung zu "
                    "Vertrag V-2024-118. Vielen Dank, Alfred Böhm"
                ),
                (
                    "Ich habe für Bestellung 4711-2987 nie eine Rechnung bekommen. Können Sie eine "
                    "schicken?"
                ),
                (
                    "Sehr geehrtes Team, für unsere Unterlagen benötigen wir Rechnungsduplikate zu "
                    "den Bestellungen 4711-0100, 4711-0101 und 4711-0145. Vielen Dank im Voraus. "
                    "Freundliche Grüße, Einkauf, Hartmann & Söhne"
                ),
                (
                    "Hi, ich bin selbstständig und brauche für die letzten drei Bestellungen "
                    "ordentliche Rechnungen mit Firmenadresse. Könnt ihr Kopien schicken?"
                ),
                (
                    "Die Rechnungs-PDF im Kundenkonto lässt sich nicht öffnen. Können Sie sie mir "
                    "per E-Mail schicken? Bestellung 4711-0480."
                ),
                (
                    "Bitte eine Kopie der Gutschrift zu meiner Retoure schicken, ich hab nur die "
                    "ursprüngliche Rechnung. 4711-9930"
                ),
                (
                    "Hallo, ich beantrage einen Kredit und die Bank will meine letzten drei "
                    "Stromrechnungen sehen. Können Sie mir die zuschicken? V-2023-138"
                ),
                (
                    "Ich brauche einen Kaufnachweis für Bestellung 4711-1655, der Hersteller "
                    "verlangt für die Garantie eine Rechnung."
                ),
                "Bitte die Jahresabrechnung nochmal mailen, die ist wohl im Spam gelandet und weg.",
                (
                    "Hallo, mein Steuerberater möchte alle Rechnungen aus 2023 auf einmal. Gibt es "
                    "so was wie eine Sammelrechnung? Danke, Martin"
                ),
                "Könnte ich bitte noch mal die Rechnung bekommen? Danke!",
                (
                    "Guten Tag, für die Nebenkostenabrechnung benötige ich eine Kopie der "
                    "Verbrauchsabrechnung 2023. Vertrag V-2022-640. MfG K. Albers"
                ),
                (
                    "Sehr geehrte Damen und Herren, die Rechnung zu meiner Bestellung 4711-3150 "
                    "ist mir leider nicht zugegangen. Ich bitte um erneute Zusendung. Mit "
                    "freundlichen Grüßen, Ingrid Fuchs"
                ),
            ],
        },
    },
    {
        "slug": "refund_request",
        "name": {"en": "Refund request", "de": "Erstattung"},
        "action": "confirm",
        "mode": "auto",
        "threshold": 0.85,
        "risk_class": "financial",
        "amount_limit": "50.00",
        "required_slots": [],
        "qa_sample_rate": 0.20,
        "four_eyes": True,
        "reply_templates": {
            "en": (
                "Hello {customer_name},\n\nthank you for your message, and we are sorry for the "
                "inconvenience. We have checked your request and can refund the amount to your "
                "original payment method. Please confirm that this is fine for you.\n\n"
                "After your confirmation, the refund is usually visible on your account within 5 "
                "to 7 working days.\n\nKind regards\n"
                "Your customer service team\n\n"
                "Reference: {reference}"
            ),
            "de": (
                "Guten Tag {customer_name},\n\n"
                "vielen Dank für Ihre Nachricht, und bitte entschuldigen Sie die "
                "Unannehmlichkeiten. Wir haben Ihr Anliegen geprüft und können den Betrag auf das "
                "ursprüngliche Zahlungsmittel erstatten. Bitte bestätigen Sie kurz, dass das für "
                "Sie in Ordnung ist.\n\nNach Ihrer Bestätigung ist die Erstattung in der Regel "
                "innerhalb von 5 bis 7 Werktagen auf Ihrem Konto sichtbar.\n\n"
                "Freundliche Grüße\nIhr Kundenservice\n\n"
                "Vorgangsnummer: {reference}"
            ),
        },
        "examples": {
            "en": [
                (
                    "I returned the jacket two weeks ago and still haven't got my money back. "
                    "Order A-20931, €79.90."
                ),
                (
                    "Hi, the blender arrived broken. I'd like a refund please, not a replacement. "
                    "Order #A-21442, $45.00."
                ),
                (
                    "Where is my refund?? Returned the shoes on 3 March, tracking says you got "
                    "them on the 6th."
                ),
                (
                    "Hello,\n\nI cancelled my order A-20688 within an hour of placing it, but I "
                    "was still charged €129.99. Please refund the full amount to my card.\n\n"
                    "Thanks,\nOliver Brooks"
                ),
                (
                    "I was charged twice for the same order (A-22015). Please refund the duplicate "
                    "payment of €34.50."
                ),
                "refund pls, item never arrived, A-21770",
                (
                    "Dear Sir or Madam, I returned a defective vacuum cleaner (order A-19543) on "
                    "12 January. The refund of €249.00 has not yet been credited to my account. I "
                    "would appreciate a prompt resolution. Yours faithfully, Patricia Quinn"
                ),
                (
                    "The lamp I ordered was scratched all over. I've sent it back already, I just "
                    "want my €59 back asap."
                ),
                (
                    "You charged me €4.95 for shipping even though the website said free delivery "
                    "over €50. Can I get that back?"
                ),
                (
                    "My annual bill shows a credit of €186.40 in my favour. When will you pay that "
                    "out? Contract V-2023-902"
                ),
                (
                    "Hi, I returned 2 of the 3 items from order A-22380 but was only refunded for "
                    "one. Missing €27.95."
                ),
                (
                    "This is ridiculous. I sent the TV back a MONTH ago. Still no refund. I want "
                    "my $499 back now."
                ),
                (
                    "I'd like to return the coat and get my money back — it doesn't fit. Is that "
                    "still possible after 20 days? Order A-21009"
                ),
                (
                    "The price dropped by €30 two days after I bought it. Can you refund the "
                    "difference? Order A-20890"
                ),
                (
                    "Paid €9.90 for express delivery but it took 5 days. I'd like the express fee "
                    "refunded."
                ),
                (
                    "I moved out and closed my electricity contract in June. The final bill says "
                    "you owe me €73.12 but I haven't received anything. Please transfer it to my "
                    "new account."
                ),
                (
                    "My bank says the refund for A-20314 never came in. Can you check and send it "
                    "again?"
                ),
                (
                    "One of the glasses in the set was broken. Can you refund that part (€8.50) "
                    "instead of me sending the whole set back?"
                ),
                "I was charged for an order I cancelled. How do I get the money back?",
                (
                    "Hello there, I've returned the headphones in their original packaging. Please "
                    "refund the $89.99 to my PayPal. Order #A-21987. Many thanks, Kelly"
                ),
                (
                    "I'm thinking about doing a chargeback through my credit card company because "
                    "my refund is 5 weeks overdue. Can you please just process it? Order A-19777, "
                    "€112.00"
                ),
                (
                    "The direct debit took €150 instead of my usual €75 this month. Please refund "
                    "the extra. V-2024-509"
                ),
                (
                    "I got a voucher instead of a refund, but I want the money back on my card. I "
                    "never agreed to store credit."
                ),
                "Please refund my order A-22661, it arrived damaged (photos attached).",
                "The gift card I bought doesn't work and I'd like my €25 back.",
                (
                    "Item missing from the package - I paid for 4 and got 3. Order A-20543. Either "
                    "send the last one or refund €14.90."
                ),
                "I want my money back.",
                (
                    "Dear customer care, regarding the return of order A-21856: it's been 21 days "
                    "since you confirmed receipt. Could you let me know when the €64.00 will be "
                    "refunded? Kind regards, Mr S. Okafor"
                ),
                (
                    "I was overcharged on my gas bill - you used an estimated meter reading that "
                    "was way too high. I've sent the real reading now. Please refund the "
                    "difference. Contract V-2022-640"
                ),
                (
                    "Refund request for order #A-22200 - wrong colour delivered, already sent "
                    "back. Amount €42."
                ),
                (
                    "Hiya, my return arrived at your warehouse last week but I've only been "
                    "refunded €20 of €35. Did something go wrong? A-21311"
                ),
                "You charged my card after I cancelled my subscription. Please reverse the €19.99.",
                (
                    "Hi, the sofa was delivered with a torn cushion. I'm willing to keep it if you "
                    "refund part of the price, say €100? Order A-19120"
                ),
                (
                    "I returned the item within 14 days as per your policy and now I'm told it's "
                    "'not eligible'. I expect a full refund of €79.90."
                ),
                (
                    "Can you refund the delivery charge? The driver left my parcel out in the rain "
                    "and the box was soaked through."
                ),
            ],
            "de": [
                (
                    "Ich habe die Jacke vor zwei Wochen zurückgeschickt und noch kein Geld zurück. "
                    "Bestellung 4711-2231, 79,90 €."
                ),
                (
                    "Hallo, der Mixer kam kaputt an. Ich möchte bitte mein Geld zurück, keinen "
                    "Ersatz. Bestellung 4711-1442, 45,00 €."
                ),
                (
                    "Wo bleibt meine Erstattung?? Schuhe am 3. März zurückgeschickt, laut "
                    "Sendungsverfolgung am 6. bei Ihnen angekommen."
                ),
                (
                    "Guten Tag,\n\nich habe meine Bestellung 4711-0688 eine Stunde nach Aufgabe "
                    "storniert, mir wurden aber trotzdem 129,99 € abgebucht. Bitte erstatten Sie "
                    "den vollen Betrag auf meine Kreditkarte.\n\n"
                    "Danke\nOliver Brandt"
                ),
                (
                    "Mir wurde dieselbe Bestellung (4711-2015) doppelt abgebucht. Bitte erstatten "
                    "Sie die doppelte Zahlung von 34,50 €."
                ),
                "Geld zurück bitte, Artikel nie angekommen. 4711-1770",
                (
                    "Sehr geehrte Damen und Herren, am 12. Januar habe ich einen defekten "
                    "Staubsauger (Bestellung 4711-9543) an Sie zurückgesandt. Die Erstattung über "
                    "249,00 € ist meinem Konto bisher nicht gutgeschrieben worden. Ich bitte um "
                    "zeitnahe Erledigung. Mit freundlichen Grüßen, Patricia Kunz"
                ),
                (
                    "Die Lampe war total zerkratzt. Hab sie schon zurückgeschickt, will nur meine "
                    "59 € wieder, und zwar bald."
                ),
                (
                    "Ihr habt 4,95 € Versand berechnet, obwohl auf der Website stand: ab 50 € "
                    "versandkostenfrei. Bekomme ich das zurück?"
                ),
                (
                    "Laut Jahresabrechnung habe ich ein Guthaben von 186,40 €. Wann wird das "
                    "ausgezahlt? Vertrag V-2023-902"
                ),
                (
                    "Hallo, ich habe 2 von 3 Artikeln aus 4711-2380 zurückgeschickt, erstattet "
                    "wurde aber nur einer. Es fehlen 27,95 €."
                ),
                (
                    "Das ist doch lächerlich. Den Fernseher vor einem MONAT zurückgeschickt und "
                    "immer noch kein Geld. Ich will meine 499 € zurück, und zwar jetzt!"
                ),
                (
                    "Kann ich den Mantel zurückgeben und das Geld wiederbekommen? Passt leider "
                    "nicht. Geht das nach 20 Tagen noch? 4711-1009"
                ),
                (
                    "Zwei Tage nach meinem Kauf ist der Preis um 30 € gefallen. Können Sie mir die "
                    "Differenz erstatten? Bestellung 4711-0890"
                ),
                (
                    "Ich hab 9,90 € für Expressversand bezahlt, gedauert hat es aber 5 Tage. Die "
                    "Expressgebühr hätte ich gern zurück."
                ),
                (
                    "Ich bin im Juni ausgezogen und habe den Stromvertrag gekündigt. Laut "
                    "Schlussrechnung bekomme ich 73,12 € zurück, angekommen ist nichts. Bitte auf "
                    "mein neues Konto überweisen, die IBAN schicke ich gern."
                ),
                (
                    "Meine Bank sagt, die Rückerstattung für 4711-0314 ist nie eingegangen. Können "
                    "Sie das prüfen und nochmal anweisen?"
                ),
                (
                    "Ein Glas aus dem Set war zerbrochen. Können Sie mir den Anteil (8,50 €) "
                    "erstatten, statt dass ich alles zurückschicke?"
                ),
                "Mir wurde eine stornierte Bestellung berechnet. Wie bekomme ich das Geld zurück?",
                (
                    "Hallo, ich hab die Kopfhörer originalverpackt zurückgeschickt. Bitte die "
                    "89,99 € auf PayPal erstatten. Bestellung 4711-1987. Danke, Kerstin"
                ),
                (
                    "Ich überlege, das Geld über meine Kreditkarte zurückbuchen zu lassen, weil "
                    "die Erstattung seit 5 Wochen überfällig ist. Bitte einfach bearbeiten. "
                    "Bestellung 4711-9777, 112,00 €"
                ),
                (
                    "Diesen Monat wurden 150 € statt der üblichen 75 € abgebucht. Bitte den "
                    "Mehrbetrag zurückerstatten. V-2024-509"
                ),
                (
                    "Ich habe einen Gutschein statt einer Erstattung bekommen, möchte aber das "
                    "Geld zurück auf meine Karte. Einem Gutschein habe ich nie zugestimmt."
                ),
                (
                    "Bitte erstatten Sie mir den Kaufpreis für Bestellung 4711-2661, die Ware kam "
                    "beschädigt an (Fotos im Anhang)."
                ),
                (
                    "Der Geschenkgutschein, den ich gekauft habe, funktioniert nicht. Ich hätte "
                    "gern meine 25 € zurück."
                ),
                (
                    "Im Paket fehlte ein Artikel - bezahlt habe ich 4, bekommen 3. Bestellung "
                    "4711-0543. Entweder nachliefern oder 14,90 € erstatten."
                ),
                "Ich will mein Geld zurück.",
                (
                    "Sehr geehrter Kundenservice, bezüglich der Retoure zu Bestellung 4711-1856: "
                    "Sie haben den Eingang vor 21 Tagen bestätigt. Wann werden die 64,00 € "
                    "erstattet? Mit freundlichen Grüßen, Sven Ohlsen"
                ),
                (
                    "Meine Gasrechnung ist zu hoch, Sie haben mit einem geschätzten Zählerstand "
                    "gerechnet. Den echten Stand habe ich nachgereicht. Bitte erstatten Sie die "
                    "Differenz. Vertrag V-2022-640"
                ),
                (
                    "Rückerstattung für Bestellung 4711-2200 - falsche Farbe geliefert, bereits "
                    "zurückgeschickt. Betrag 42 €."
                ),
                (
                    "Huhu, meine Retoure ist letzte Woche bei euch angekommen, aber ich hab nur 20 "
                    "€ von 35 € zurückbekommen. Ist da was schiefgelaufen? 4711-1311"
                ),
                (
                    "Sie haben nach meiner Kündigung des Abos trotzdem 19,99 € abgebucht. Bitte "
                    "zurückbuchen."
                ),
                (
                    "Hallo, das Sofa wurde mit einem gerissenen Kissen geliefert. Ich behalte es, "
                    "wenn Sie mir einen Teil des Preises erstatten, sagen wir 100 €? Bestellung "
                    "4711-9120"
                ),
                (
                    "Ich habe die Ware innerhalb der 14 Tage zurückgeschickt, jetzt heißt es, die "
                    "Rücksendung sei „nicht erstattungsfähig“. Ich erwarte die volle Erstattung "
                    "von 79,90 €."
                ),
                (
                    "Könnt ihr mir bitte die Versandkosten zurückzahlen? Der Bote hat das Paket im "
                    "Regen abgestellt und der Karton war völlig durchweicht."
                ),
            ],
        },
    },
    {
        "slug": "legal_complaint",
        "name": {"en": "Complaint with legal threat", "de": "Beschwerde mit rechtlichen Schritten"},
        "action": "manual",
        "mode": "assist",
        "threshold": 0.90,
        "risk_class": "legal",
        "amount_limit": None,
        "required_slots": [],
        "qa_sample_rate": 0.25,
        "four_eyes": True,
        "reply_templates": {
            "en": (
                "Hello {customer_name},\n\nthank you for your message. We take your complaint very "
                "seriously and are sorry that you have had reason to contact us in this way.\n\n"
                "We have passed your case to our complaints team. A colleague will review it "
                "carefully and reply to you in writing as soon as possible. Please quote the "
                "reference {reference} in any further correspondence.\n\n"
                "Kind regards\nYour customer service team"
            ),
            "de": (
                "Guten Tag {customer_name},\n\n"
                "vielen Dank für Ihre Nachricht. Wir nehmen Ihre Beschwerde sehr ernst und "
                "bedauern, dass Sie sich auf diesem Weg an uns wenden müssen.\n\n"
                "Wir haben Ihr Anliegen an unser Beschwerdemanagement weitergeleitet. Eine "
                "Kollegin oder ein Kollege prüft den Vorgang sorgfältig und meldet sich so schnell "
                "wie möglich schriftlich bei Ihnen. Bitte geben Sie bei weiterer Korrespondenz die "
                "Vorgangsnummer {reference} an.\n\n"
                "Freundliche Grüße\nIhr Kundenservice"
            ),
        },
        "examples": {
            "en": [
                (
                    "This is my third email about the broken fridge. If I don't hear back by "
                    "Friday, my lawyer will be in touch."
                ),
                (
                    "I have now instructed a solicitor regarding your failure to refund me €349. "
                    "Expect a letter."
                ),
                (
                    "Dear Sir or Madam,\n\nDespite repeated requests, you have failed either to "
                    "deliver order A-19220 or to refund the purchase price. I hereby give you a "
                    "final deadline of 14 days from today. Should this deadline pass without "
                    "result, I will take legal action without further notice.\n\n"
                    "Yours faithfully,\nJonathan Reeve"
                ),
                (
                    "You cut off our gas without warning in the middle of winter. I'm reporting "
                    "you to the ombudsman and I'm speaking to a lawyer."
                ),
                "I will see you in small claims court. Absolutely disgraceful service.",
                (
                    "My consumer rights are being ignored. I've contacted the consumer protection "
                    "agency and will sue if necessary."
                ),
                (
                    "Your courier damaged my front door while delivering the wardrobe. I have "
                    "photos. Pay for the repair or I'm going to court."
                ),
                (
                    "Hello, I am a solicitor acting for Mrs Ann Tully. Please direct all further "
                    "correspondence regarding contract V-2022-874 to our office."
                ),
                (
                    "The price increase you applied to my contract is unlawful - you didn't give "
                    "the required notice. I'm considering legal steps and have contacted the "
                    "energy ombudsman."
                ),
                "I'm done. Refund me or I'm filing a claim. Order A-20076.",
                (
                    "You keep sending me debt collection letters for an invoice I already paid. "
                    "This is harassment. My attorney has been informed."
                ),
                (
                    "Dear team, I am being charged for a contract I never signed. This may well be "
                    "fraud. I am consulting a solicitor and may report it to the police."
                ),
                (
                    "If this isn't sorted by Monday I'm taking it to Trading Standards and a "
                    "lawyer. Third time asking!"
                ),
                (
                    "This defect is covered by the statutory warranty. Refusing the repair is "
                    "illegal and I will take legal steps if you don't reconsider."
                ),
                (
                    "Formal complaint and notice of legal action: the heater you sold me caught "
                    "fire. My insurer and my lawyer are involved."
                ),
                (
                    "I am writing to formally dispute the final bill of €1,240. Unless it is "
                    "corrected, I will hand the matter over to my legal expenses insurance."
                ),
                "ur company is a scam, ive already talked to a lawyer, expect to hear from him",
                (
                    "My elderly mother was pressured into a new contract by your door-to-door "
                    "salesman. That is illegal. We're going to Citizens Advice and a lawyer."
                ),
                (
                    "Following our phone call: if you do not remove the negative entry with the "
                    "credit reference agency by the end of the week, I will apply for an "
                    "injunction."
                ),
                (
                    "I'm giving you one last chance before I take this to court. The washing "
                    "machine flooded my kitchen."
                ),
                (
                    "I've been without internet for 3 weeks and you're still charging me. I'm "
                    "considering legal action and a claim for damages."
                ),
                (
                    "Dear Sirs, please treat this email as a letter before action. You owe me €560 "
                    "for the faulty boiler repair. Regards, K. Donnelly"
                ),
                (
                    "Your advert was misleading and I've reported it to the consumer protection "
                    "authority. A few of us are looking into a class action."
                ),
                "I won't pay this bill. See you in court.",
                (
                    "Hello, I have an appointment with a consumer rights lawyer next week about "
                    "your refusal to cancel my contract. Please send me all the paperwork before "
                    "then."
                ),
                (
                    "Complaint: your technician was rude and broke my meter box. I'm talking to my "
                    "lawyer about compensation."
                ),
                (
                    "I was sold a refurbished phone as new. That's fraud, and I'll be filing a "
                    "police report and taking you to court."
                ),
                (
                    "This is unacceptable. I've written to the ombudsman and I'll sue if I have "
                    "to. Contract V-2021-093."
                ),
                (
                    "My lawyer says this clause in your terms and conditions is invalid. I expect "
                    "a written response within 7 days."
                ),
                "Final warning before legal proceedings regarding order A-18433.",
                (
                    "Good morning, I'm a member of a consumer association and we are preparing a "
                    "complaint about your unfair cancellation fees. Please give me the contact "
                    "details of your legal department."
                ),
                (
                    "Your debt collector is threatening me over €89 I don't owe. I have legal "
                    "insurance and I will use it."
                ),
                (
                    "I have had enough. My solicitor will be contacting you about the damage your "
                    "delivery team did to my staircase."
                ),
                (
                    "You disconnected my electricity even though I'd agreed a payment plan. This "
                    "is illegal and I'm taking it further — lawyer, press, the lot."
                ),
                (
                    "If my deposit isn't returned by the 30th, I will file a claim with the county "
                    "court. Account V-2023-128."
                ),
            ],
            "de": [
                (
                    "Das ist meine dritte Mail wegen des kaputten Kühlschranks. Wenn ich bis "
                    "Freitag nichts höre, schalte ich meinen Anwalt ein."
                ),
                (
                    "Ich habe wegen der ausstehenden Erstattung von 349 € inzwischen eine Anwältin "
                    "beauftragt. Sie hören von ihr."
                ),
                (
                    "Sehr geehrte Damen und Herren,\n\n"
                    "trotz mehrfacher Aufforderung haben Sie weder die Bestellung 4711-9220 "
                    "geliefert noch den Kaufpreis erstattet. Ich setze Ihnen hiermit eine letzte "
                    "Frist von 14 Tagen. Nach fruchtlosem Ablauf werde ich ohne weitere "
                    "Ankündigung rechtliche Schritte einleiten.\n\n"
                    "Mit freundlichen Grüßen\nJonas Reuter"
                ),
                (
                    "Sie haben uns mitten im Winter ohne Vorwarnung das Gas abgestellt. Ich wende "
                    "mich an die Schlichtungsstelle Energie und an einen Anwalt."
                ),
                "Wir sehen uns vor Gericht. Absolut unverschämter Service.",
                (
                    "Ich war heute bei der Verbraucherzentrale. Dort hieß es, Ihr Vorgehen ist "
                    "rechtswidrig. Wenn Sie nicht einlenken, klage ich."
                ),
                (
                    "Ihr Lieferdienst hat beim Liefern des Schranks meine Haustür beschädigt. Ich "
                    "habe Fotos. Entweder Sie zahlen die Reparatur oder ich ziehe vor Gericht."
                ),
                (
                    "Sehr geehrte Damen und Herren, in obiger Angelegenheit zeigen wir an, dass "
                    "wir Frau Anna Tull anwaltlich vertreten. Bitte richten Sie die weitere "
                    "Korrespondenz zum Vertrag V-2022-874 ausschließlich an unsere Kanzlei."
                ),
                (
                    "Die Preiserhöhung ist unwirksam, Sie haben die Ankündigungsfrist nicht "
                    "eingehalten. Ich prüfe rechtliche Schritte und habe die Bundesnetzagentur "
                    "informiert."
                ),
                "Mir reicht's. Geld zurück oder ich klage. Bestellung 4711-0076.",
                (
                    "Sie schicken mir ständig Mahnungen für eine Rechnung, die ich längst bezahlt "
                    "habe. Das ist Belästigung. Mein Anwalt ist informiert."
                ),
                (
                    "Guten Tag, mir wird ein Vertrag berechnet, den ich nie unterschrieben habe. "
                    "Das ist Betrug. Ich lasse mich anwaltlich beraten und erstatte gegebenenfalls "
                    "Anzeige."
                ),
                (
                    "Wenn das bis Montag nicht geklärt ist, gehe ich zur Verbraucherzentrale und "
                    "zum Anwalt. Ich frage jetzt zum dritten Mal!"
                ),
                (
                    "Der Mangel fällt unter die Gewährleistung. Die Reparatur zu verweigern ist "
                    "rechtswidrig. Wenn Sie das nicht überdenken, gehe ich juristisch dagegen vor."
                ),
                (
                    "Förmliche Beschwerde und Ankündigung rechtlicher Schritte: Der bei Ihnen "
                    "gekaufte Heizlüfter hat Feuer gefangen. Versicherung und Anwalt sind "
                    "eingeschaltet."
                ),
                (
                    "Hiermit widerspreche ich der Schlussrechnung über 1.240 €. Sollte diese nicht "
                    "korrigiert werden, übergebe ich die Sache meiner Rechtsschutzversicherung."
                ),
                "eure firma ist abzocke, war schon beim anwalt, der meldet sich bei euch",
                (
                    "Ihr Vertreter hat meiner 80-jährigen Mutter an der Haustür einen neuen "
                    "Vertrag aufgeschwatzt. Das ist unzulässig. Wir gehen zur Verbraucherzentrale "
                    "und zum Anwalt."
                ),
                (
                    "Bezugnehmend auf unser Telefonat: Wenn Sie den Schufa-Eintrag nicht bis Ende "
                    "der Woche zurücknehmen, beantrage ich eine einstweilige Verfügung."
                ),
                (
                    "Das ist Ihre letzte Chance, bevor ich vor Gericht gehe. Die Waschmaschine hat "
                    "meine Küche unter Wasser gesetzt."
                ),
                (
                    "Seit 3 Wochen kein Internet und Sie buchen trotzdem ab. Ich prüfe eine Klage "
                    "auf Schadensersatz."
                ),
                (
                    "Sehr geehrte Damen und Herren, ich fordere Sie hiermit letztmalig auf, die "
                    "560 € für die mangelhafte Reparatur zu erstatten. Andernfalls erhebe ich "
                    "Klage beim zuständigen Amtsgericht. Mit freundlichen Grüßen, K. Dorn"
                ),
                (
                    "Ihre Werbung war irreführend, ich habe das der Verbraucherzentrale gemeldet. "
                    "Wir überlegen mit anderen Kunden eine Sammelklage."
                ),
                "Diese Rechnung zahle ich nicht. Wir sehen uns vor Gericht.",
                (
                    "Hallo, ich habe nächste Woche einen Termin beim Fachanwalt wegen Ihrer "
                    "Weigerung, meinen Vertrag zu kündigen. Bitte schicken Sie mir vorher alle "
                    "Unterlagen."
                ),
                (
                    "Beschwerde: Ihr Techniker war unverschämt und hat meinen Zählerkasten "
                    "beschädigt. Ich bespreche mit meinem Anwalt, welche Ansprüche ich habe."
                ),
                (
                    "Mir wurde ein generalüberholtes Handy als neu verkauft. Das ist Betrug, ich "
                    "erstatte Anzeige und verklage Sie."
                ),
                (
                    "Das ist inakzeptabel. Ich habe mich an die Schlichtungsstelle gewandt und "
                    "werde notfalls klagen. Vertrag V-2021-093."
                ),
                (
                    "Laut meinem Anwalt ist diese Klausel in Ihren AGB unwirksam. Ich erwarte "
                    "innerhalb von 7 Tagen eine schriftliche Stellungnahme."
                ),
                (
                    "Letzte Aufforderung vor Einleitung gerichtlicher Schritte bezüglich "
                    "Bestellung 4711-8433."
                ),
                (
                    "Guten Morgen, ich bin Mitglied eines Verbraucherschutzvereins und wir "
                    "bereiten eine Beschwerde wegen Ihrer unfairen Kündigungsgebühren vor. Bitte "
                    "nennen Sie mir einen Ansprechpartner in Ihrer Rechtsabteilung."
                ),
                (
                    "Ihr Inkassobüro droht mir wegen 89 €, die ich nicht schulde. Ich habe eine "
                    "Rechtsschutzversicherung und werde sie nutzen."
                ),
                (
                    "Jetzt reicht's. Mein Anwalt meldet sich wegen der Schäden, die Ihr Lieferteam "
                    "an meiner Treppe verursacht hat."
                ),
                (
                    "Sie haben mir den Strom abgestellt, obwohl eine Ratenzahlung vereinbart war. "
                    "Das ist rechtswidrig, ich gehe dagegen vor - Anwalt, Presse, alles."
                ),
                (
                    "Wenn die Kaution nicht bis zum 30. zurückgezahlt ist, reiche ich Klage beim "
                    "Amtsgericht ein. Vertrag V-2023-128."
                ),
                (
                    "Du glaubst doch nicht im Ernst, dass ich das einfach so hinnehme? Meine "
                    "Rechtsschutzversicherung ist schon informiert."
                ),
            ],
        },
    },
    {
        "slug": "data_protection",
        "name": {"en": "Data protection request", "de": "Datenschutzanfrage"},
        "action": "manual",
        "mode": "assist",
        "threshold": 0.90,
        "risk_class": "legal",
        "amount_limit": None,
        "required_slots": [],
        "qa_sample_rate": 0.25,
        "four_eyes": True,
        "reply_templates": {
            "en": (
                "Hello {customer_name},\n\nthank you for your data protection request. We have "
                "forwarded it to our data protection team, which will answer within the statutory "
                "period of one month.\n\nTo protect your data, we may need to verify your identity "
                "before we can release any information or make changes. If so, we will contact you "
                "separately.\n\nKind regards\n"
                "Your customer service team\n\n"
                "Reference: {reference}"
            ),
            "de": (
                "Guten Tag {customer_name},\n\n"
                "vielen Dank für Ihre Anfrage zum Datenschutz. Wir haben sie an unser "
                "Datenschutzteam weitergeleitet, das Ihnen innerhalb der gesetzlichen Frist von "
                "einem Monat antwortet.\n\nZum Schutz Ihrer Daten müssen wir unter Umständen Ihre "
                "Identität prüfen, bevor wir Auskunft erteilen oder Änderungen vornehmen. In "
                "diesem Fall melden wir uns gesondert bei Ihnen.\n\n"
                "Freundliche Grüße\nIhr Kundenservice\n\n"
                "Vorgangsnummer: {reference}"
            ),
        },
        "examples": {
            "en": [
                "Under Article 15 GDPR, I request access to all personal data you hold about me.",
                "Please delete my account and all my personal data.",
                (
                    "Dear Sir or Madam,\n\nPursuant to Art. 15 of the General Data Protection "
                    "Regulation, I request confirmation as to whether you process personal data "
                    "concerning me and, if so, a copy of that data together with the information "
                    "listed in Art. 15(1)(a) to (h).\n\n"
                    "Please respond within the statutory period of one month.\n\n"
                    "Yours faithfully,\nEleanor Whitfield"
                ),
                "unsubscribe me from all marketing emails and stop using my data for advertising",
                "I want to know what data you have on me and who you've shared it with.",
                (
                    "Hi, I closed my account last year but I'm still getting newsletters. Please "
                    "erase my data completely."
                ),
                (
                    "I object to the processing of my data for profiling and direct marketing "
                    "(Art. 21 GDPR)."
                ),
                (
                    "How did you get my phone number? I never gave it to you. Tell me where it "
                    "came from and delete it."
                ),
                (
                    "Please correct my date of birth in your system, it's wrong (should be "
                    "14/02/1986). Art. 16 GDPR."
                ),
                (
                    "I'd like a copy of my data in a machine-readable format so I can take it to "
                    "another provider (data portability)."
                ),
                "Right to be forgotten request: email jane.doe@example.net, customer since 2019.",
                (
                    "Your smart meter records my consumption every 15 minutes. I want to know what "
                    "happens to that data, and I withdraw my consent to the detailed readings."
                ),
                (
                    "Hello, someone else's invoice was attached to the email you sent me. That's a "
                    "data breach — please confirm you're reporting it, and check whether my data "
                    "was sent to someone else too."
                ),
                (
                    "Please stop tracking me. I withdraw every consent I ever gave for cookies and "
                    "newsletters."
                ),
                (
                    "Dear data protection officer, please provide me with copies of all recorded "
                    "phone calls with me from the past year. Kind regards, M. Grant"
                ),
                "i want all my data deleted NOW. i never agreed to this.",
                "Can you tell me who your data protection officer is and how to contact them?",
                (
                    "I received a letter from you at an address I've never given you. Where did "
                    "you get it? I request information under the GDPR."
                ),
                (
                    "Please don't pass my data on to credit agencies. I'd also like to know "
                    "whether you've already done so."
                ),
                (
                    "As my mother has passed away, please delete her customer account and all "
                    "associated data. I can provide the death certificate."
                ),
                (
                    "Hi, does your app share my location with third parties? If yes, I want that "
                    "stopped and the data deleted."
                ),
                (
                    "Request for restriction of processing under Art. 18 GDPR while I dispute the "
                    "accuracy of my payment history."
                ),
                (
                    "I'm going to complain to the data protection authority if you don't answer my "
                    "access request from 3 March. It's been 6 weeks."
                ),
                "Delete my data.",
                (
                    "Hello, I'd like to know what information is stored about me in your customer "
                    "service system, including any notes your staff wrote about me."
                ),
                (
                    "Please remove my details from all your marketing lists and confirm this in "
                    "writing."
                ),
                (
                    "Can you confirm that you deleted my credit card details after my last "
                    "purchase? I don't want them stored."
                ),
                (
                    "I no longer want my consumption data used for 'personalised offers'. Please "
                    "opt me out."
                ),
                (
                    "Your chatbot asked for my full date of birth and passport number. Why do you "
                    "need that and how long do you keep it?"
                ),
                (
                    "Dear Sirs, I hereby withdraw my consent to the processing of my personal data "
                    "for any purpose other than fulfilling my contract V-2022-199. Regards, T. "
                    "Hughes"
                ),
                (
                    "Hi, my ex still has access to my customer account. Please remove his email "
                    "and phone number and tell me what he was able to see."
                ),
                "Please send me a GDPR subject access report for customer number 88231.",
                (
                    "I was never your customer, yet I get your emails. Where did you get my "
                    "address? Delete it."
                ),
                (
                    "Under data protection law I'm entitled to know how your AI makes decisions "
                    "about my requests. Please explain it and tell me what data it uses."
                ),
                "I'd like my old order history deleted, but please keep my account active.",
            ],
            "de": [
                (
                    "Gemäß Art. 15 DSGVO verlange ich Auskunft über alle zu meiner Person "
                    "gespeicherten Daten."
                ),
                "Bitte löschen Sie mein Kundenkonto und alle meine personenbezogenen Daten.",
                (
                    "Sehr geehrte Damen und Herren,\n\n"
                    "hiermit mache ich von meinem Auskunftsrecht nach Art. 15 DSGVO Gebrauch. "
                    "Bitte teilen Sie mir mit, ob Sie personenbezogene Daten über mich "
                    "verarbeiten, und stellen Sie mir gegebenenfalls eine Kopie dieser Daten sowie "
                    "die Informationen nach Art. 15 Abs. 1 lit. a-h zur Verfügung.\n\n"
                    "Ich bitte um Antwort innerhalb der gesetzlichen Frist von einem Monat.\n\n"
                    "Mit freundlichen Grüßen\nElisabeth Winter"
                ),
                "bitte keine werbung mehr und meine daten nicht mehr fürs marketing verwenden",
                (
                    "Welche Daten haben Sie über mich gespeichert und an wen haben Sie sie "
                    "weitergegeben?"
                ),
                (
                    "Hallo, ich habe mein Konto letztes Jahr gekündigt, bekomme aber immer noch "
                    "Newsletter. Bitte löschen Sie meine Daten vollständig."
                ),
                (
                    "Ich widerspreche der Verarbeitung meiner Daten zu Werbezwecken und zum "
                    "Profiling (Art. 21 DSGVO)."
                ),
                (
                    "Woher haben Sie meine Handynummer? Die habe ich Ihnen nie gegeben. Bitte "
                    "nennen Sie mir die Quelle und löschen Sie die Nummer."
                ),
                (
                    "Bitte berichtigen Sie mein Geburtsdatum, das ist falsch hinterlegt (richtig: "
                    "14.02.1986). Art. 16 DSGVO."
                ),
                (
                    "Ich möchte meine Daten in einem maschinenlesbaren Format erhalten, um zu "
                    "einem anderen Anbieter zu wechseln (Datenübertragbarkeit)."
                ),
                (
                    "Antrag auf Löschung („Recht auf Vergessenwerden“): E-Mail "
                    "jana.dorn@example.net, Kundin seit 2019."
                ),
                (
                    "Ihr Smart Meter erfasst meinen Verbrauch alle 15 Minuten. Ich möchte wissen, "
                    "was mit diesen Daten passiert, und widerrufe meine Einwilligung in die "
                    "detaillierte Auslesung."
                ),
                (
                    "Hallo, an Ihrer Mail an mich hing die Rechnung eines anderen Kunden. Das ist "
                    "eine Datenpanne - bitte bestätigen Sie, dass Sie das melden, und prüfen Sie, "
                    "ob meine Daten auch bei jemand anderem gelandet sind."
                ),
                (
                    "Ich widerrufe alle Einwilligungen, die ich jemals für Cookies und Newsletter "
                    "gegeben habe."
                ),
                (
                    "Sehr geehrte/r Datenschutzbeauftragte/r, bitte stellen Sie mir Kopien aller "
                    "aufgezeichneten Telefongespräche mit mir aus dem letzten Jahr zur Verfügung. "
                    "Mit freundlichen Grüßen, M. Graf"
                ),
                "ich will dass alle meine daten SOFORT gelöscht werden. hab dem nie zugestimmt.",
                "Wer ist Ihr Datenschutzbeauftragter und wie erreiche ich ihn?",
                (
                    "Ich habe einen Brief von Ihnen an eine Adresse bekommen, die ich Ihnen nie "
                    "mitgeteilt habe. Woher haben Sie die? Ich verlange Auskunft nach DSGVO."
                ),
                (
                    "Bitte geben Sie meine Daten nicht an die Schufa oder andere Auskunfteien "
                    "weiter. Außerdem möchte ich wissen, ob das schon passiert ist."
                ),
                (
                    "Meine Mutter ist verstorben. Bitte löschen Sie ihr Kundenkonto und alle "
                    "dazugehörigen Daten. Eine Sterbeurkunde kann ich vorlegen."
                ),
                (
                    "Gibt eure App meinen Standort an Dritte weiter? Wenn ja, bitte sofort "
                    "abstellen und die Daten löschen."
                ),
                (
                    "Antrag auf Einschränkung der Verarbeitung nach Art. 18 DSGVO, solange ich die "
                    "Richtigkeit meiner Zahlungshistorie bestreite."
                ),
                (
                    "Ich beschwere mich bei der Datenschutzaufsicht, wenn Sie meine "
                    "Auskunftsanfrage vom 3. März nicht beantworten. Es sind jetzt 6 Wochen."
                ),
                "Daten löschen.",
                (
                    "Guten Tag, ich möchte wissen, welche Informationen in Ihrem "
                    "Kundenservice-System über mich gespeichert sind, einschließlich Notizen Ihrer "
                    "Mitarbeiter."
                ),
                (
                    "Bitte entfernen Sie mich aus sämtlichen Werbeverteilern und bestätigen Sie "
                    "das schriftlich."
                ),
                (
                    "Können Sie bestätigen, dass meine Kreditkartendaten nach dem letzten Kauf "
                    "gelöscht wurden? Ich will nicht, dass die gespeichert bleiben."
                ),
                (
                    "Ich möchte nicht mehr, dass meine Verbrauchsdaten für „personalisierte "
                    "Angebote“ genutzt werden. Bitte austragen."
                ),
                (
                    "Euer Chatbot wollte mein vollständiges Geburtsdatum und meine Ausweisnummer. "
                    "Wozu braucht ihr das und wie lange speichert ihr das?"
                ),
                (
                    "Sehr geehrte Damen und Herren, hiermit widerrufe ich meine Einwilligung zur "
                    "Verarbeitung meiner personenbezogenen Daten für alle Zwecke, die nicht der "
                    "Erfüllung meines Vertrags V-2022-199 dienen. Mit freundlichen Grüßen, T. "
                    "Hübner"
                ),
                (
                    "Hallo, mein Ex-Partner hat noch Zugriff auf mein Kundenkonto. Bitte entfernt "
                    "seine Mailadresse und Telefonnummer und sagt mir, was er sehen konnte."
                ),
                "Bitte senden Sie mir eine DSGVO-Selbstauskunft zu Kundennummer 88231.",
                (
                    "Ich war nie Kunde bei Ihnen und bekomme trotzdem Ihre Mails. Woher haben Sie "
                    "meine Adresse? Löschen!"
                ),
                (
                    "Nach DSGVO habe ich das Recht zu erfahren, wie Ihre KI über meine Anfragen "
                    "entscheidet. Bitte erklären Sie mir das und welche Daten dabei verwendet "
                    "werden."
                ),
                (
                    "Ich möchte, dass meine alte Bestellhistorie gelöscht wird, das Kundenkonto "
                    "soll aber bestehen bleiben."
                ),
                (
                    "Hallo, kannst du mir sagen, wie lange ihr meine Daten nach Vertragsende "
                    "aufbewahrt? Mein Vertrag läuft im Mai aus."
                ),
            ],
        },
    },
    {
        "slug": "technical_fault",
        "name": {"en": "Technical fault", "de": "Technische Störung"},
        "action": "reply",
        "mode": "assist",
        "threshold": 0.80,
        "risk_class": "none",
        "amount_limit": None,
        "required_slots": [],
        "qa_sample_rate": 0.10,
        "four_eyes": False,
        "reply_templates": {
            "en": (
                "Hello {customer_name},\n\nwe are sorry that something is not working as it "
                "should. These steps often solve the problem:\n\n"
                "1. Switch the device off, unplug it for about 30 seconds and switch it back on.\n"
                "2. Check that all cables and plugs are firmly connected.\n"
                "3. For problems with the app or the website: install the latest app version, or "
                "log out and back in again.\n\n"
                "If the problem persists, please reply with a short description, any error message "
                "shown and, if possible, a photo. Our technical team will then take over.\n\n"
                "Kind regards\nYour customer service team\n\n"
                "Reference: {reference}"
            ),
            "de": (
                "Guten Tag {customer_name},\n\n"
                "es tut uns leid, dass etwas nicht wie gewohnt funktioniert. Diese Schritte helfen "
                "häufig weiter:\n\n1. Schalten Sie das Gerät aus, trennen Sie es für etwa 30 "
                "Sekunden vom Strom und schalten Sie es wieder ein.\n"
                "2. Prüfen Sie, ob alle Kabel und Stecker fest sitzen.\n"
                "3. Bei Problemen mit App oder Website: Installieren Sie die neueste App-Version "
                "oder melden Sie sich einmal ab und wieder an.\n\n"
                "Besteht das Problem weiterhin, antworten Sie bitte mit einer kurzen Beschreibung, "
                "der angezeigten Fehlermeldung und nach Möglichkeit einem Foto. Unser Technikteam "
                "übernimmt dann.\n\nFreundliche Grüße\n"
                "Ihr Kundenservice\n\nVorgangsnummer: {reference}"
            ),
        },
        "examples": {
            "en": [
                "My electricity meter display is blank. Is it broken?",
                "The app crashes every time I open it since the last update. iPhone 13, iOS 17.4.",
                "No internet since this morning. Router lights are red. Customer no 88231.",
                (
                    "Hello,\n\nI cannot log in to my customer account. I've reset the password "
                    "twice, but I keep getting 'invalid credentials'. Could you please help?\n\n"
                    "Regards,\nMarcus Webb"
                ),
                "my smart meter isnt sending readings anymore",
                (
                    "The washing machine I bought from you in January shows error E21 and won't "
                    "drain. What can I do?"
                ),
                (
                    "WiFi keeps dropping every 10 minutes. I've restarted the router several "
                    "times. Please help, I work from home."
                ),
                (
                    "The heat pump control unit has shown 'communication error' since the power "
                    "cut yesterday."
                ),
                "Hi, the 2-factor code never arrives by SMS, so I can't get into my account.",
                (
                    "Dear support team, the coffee machine (order A-20412) has started leaking "
                    "water from the bottom after two weeks. Is there anything I can check before "
                    "sending it in? Kind regards, Sophie Turner"
                ),
                "Internet is super slow. Paying for 250 Mbit, getting 12.",
                "The app won't let me submit my meter reading — the button is greyed out.",
                (
                    "The TV I bought switches itself off after about 5 minutes. Already tried a "
                    "different socket."
                ),
                (
                    "Since your engineer installed the new meter, the light in our hallway "
                    "flickers. Is that normal?"
                ),
                (
                    "Hello, your website shows an error 500 when I try to pay. Tried Chrome and "
                    "Firefox."
                ),
                "Landline is dead, no dial tone. Internet works though. Contract V-2024-299",
                "The fridge isn't cooling properly anymore, food goes off. It's only 8 months old.",
                (
                    "Login doesn't work in the app but works on the website, weird. Android 14, "
                    "Samsung."
                ),
                (
                    "Hi, I think my gas meter is faulty - it keeps counting even when the heating "
                    "is off and nothing's on."
                ),
                (
                    "The charging point you installed shows a red light and won't charge the car. "
                    "Please help asap, I need the car tomorrow."
                ),
                "router broken?? all lights flashing orange",
                (
                    "I get an email every day saying 'payment failed' but my bank says everything "
                    "is fine. Is your system broken?"
                ),
                (
                    "Good evening, the new router you sent doesn't fit the old phone socket in my "
                    "wall. Do I need an adapter?"
                ),
                (
                    "The password reset link in your email says 'expired' straight away. Tried "
                    "three times."
                ),
                (
                    "My robot vacuum from your shop won't connect to the app anymore since the "
                    "firmware update."
                ),
                (
                    "Hi team, the in-home display for my smart meter has said 'no signal' for a "
                    "week now. Thx, Gareth"
                ),
                (
                    "The power trips every time I use the new oven you delivered. Everything else "
                    "is fine."
                ),
                "The meter photo upload fails with 'file too large' even for small photos.",
                "internet down again. third time this week. fix it please",
                "The headphones only play sound on the left side. Bought 3 weeks ago.",
                "I can't see my bills in the app anymore, it just shows a spinning wheel.",
                (
                    "Hello, the dishwasher you installed last week shows error code F7 and beeps "
                    "constantly. Order #A-20644."
                ),
                "The TV box that came with my contract keeps rebooting. Is it faulty?",
                (
                    "Hi, since the outage yesterday my internet is back but the phone isn't. "
                    "Contract V-2023-138."
                ),
                (
                    "Dear Sir or Madam, my elderly father's emergency alarm unit, which runs over "
                    "your landline, has been showing a fault light since Tuesday. Could you please "
                    "treat this as urgent? Many thanks, Claire Hughes"
                ),
            ],
            "de": [
                "Die Anzeige an meinem Stromzähler ist komplett schwarz. Ist der kaputt?",
                "Seit dem letzten Update stürzt die App bei jedem Öffnen ab. iPhone 13, iOS 17.4.",
                "Seit heute früh kein Internet. Am Router leuchtet alles rot. Kundennummer 88231.",
                (
                    "Guten Tag,\n\nich kann mich nicht in mein Kundenkonto einloggen. Ich habe das "
                    "Passwort schon zweimal zurückgesetzt, bekomme aber immer „Ungültige "
                    "Zugangsdaten“.\n\nMit freundlichen Grüßen\n"
                    "Markus Weber"
                ),
                "mein smart meter schickt keine zählerstände mehr",
                (
                    "Die Waschmaschine, die ich im Januar bei Ihnen gekauft habe, zeigt Fehler E21 "
                    "und pumpt nicht ab. Was kann ich tun?"
                ),
                (
                    "WLAN bricht alle 10 Minuten ab, Router schon x-mal neu gestartet. Bitte "
                    "helfen, ich sitze im Homeoffice."
                ),
                (
                    "Die Steuerung der Wärmepumpe zeigt seit dem Stromausfall gestern "
                    "„Kommunikationsfehler“ an."
                ),
                (
                    "Hallo, der SMS-Code für die Zwei-Faktor-Anmeldung kommt nie an, deshalb komme "
                    "ich nicht ins Konto."
                ),
                (
                    "Liebes Support-Team, die Kaffeemaschine (Bestellung 4711-3302) verliert nach "
                    "zwei Wochen unten Wasser. Kann ich selbst etwas prüfen, bevor ich sie "
                    "einschicke? Viele Grüße, Sophie Thomas"
                ),
                "Internet extrem langsam. Zahle für 250 Mbit, kommen 12 an.",
                (
                    "In der App kann ich meinen Zählerstand nicht übermitteln, der Button ist "
                    "ausgegraut."
                ),
                (
                    "Der Fernseher schaltet sich nach ca. 5 Minuten von selbst aus. Andere "
                    "Steckdose hab ich schon probiert."
                ),
                (
                    "Seit Ihr Monteur den neuen Zähler eingebaut hat, flackert bei uns das Licht "
                    "im Flur. Ist das normal?"
                ),
                (
                    "Hallo, auf Ihrer Website kommt beim Bezahlen „Fehler 500“. Mit Chrome und "
                    "Firefox probiert."
                ),
                "Festnetz tot, kein Freizeichen. Internet geht aber. Vertrag V-2024-299",
                (
                    "Der Kühlschrank kühlt nicht mehr richtig, die Lebensmittel verderben. Ist "
                    "erst 8 Monate alt."
                ),
                "Login geht in der App nicht, im Browser aber schon. Komisch. Android 14, Samsung.",
                (
                    "Ich glaube, mein Gaszähler ist defekt - er läuft weiter, obwohl die Heizung "
                    "aus ist und nichts an ist."
                ),
                (
                    "Die Wallbox, die Sie installiert haben, leuchtet rot und lädt das Auto nicht. "
                    "Bitte schnell helfen, ich brauche das Auto morgen früh."
                ),
                "router kaputt?? alle lampen blinken orange",
                (
                    "Ich bekomme jeden Tag eine Mail „Zahlung fehlgeschlagen“, meine Bank sagt "
                    "aber, alles ist in Ordnung. Ist bei euch was kaputt?"
                ),
                (
                    "Guten Abend, der neue Router passt nicht an meine alte TAE-Dose. Brauche ich "
                    "einen Adapter?"
                ),
                "Der Link zum Passwort-Zurücksetzen ist sofort „abgelaufen“. Dreimal probiert.",
                (
                    "Mein Saugroboter aus Ihrem Shop verbindet sich seit dem Firmware-Update nicht "
                    "mehr mit der App."
                ),
                (
                    "Hallo, das Display für meinen Smart Meter zeigt seit einer Woche „Kein "
                    "Signal“. Danke, Gerd"
                ),
                (
                    "Wenn ich den neuen Backofen anschalte, fliegt jedes Mal die Sicherung raus. "
                    "Alles andere funktioniert."
                ),
                (
                    "Beim Hochladen des Zählerfotos kommt „Datei zu groß“, auch bei ganz kleinen "
                    "Fotos."
                ),
                "internet schon wieder weg. dritte mal diese woche. bitte endlich reparieren",
                "Die Kopfhörer spielen nur links Ton ab. Vor 3 Wochen gekauft.",
                "In der App sehe ich meine Rechnungen nicht mehr, da dreht sich nur ein Kreis.",
                (
                    "Hallo, der Geschirrspüler, den Sie letzte Woche angeschlossen haben, zeigt "
                    "Fehlercode F7 und piept ununterbrochen. Bestellung 4711-0644."
                ),
                (
                    "Die TV-Box, die ich mit dem Vertrag bekommen habe, startet ständig neu. Ist "
                    "die defekt?"
                ),
                (
                    "Hi, seit der Störung gestern geht das Internet wieder, aber das Telefon "
                    "nicht. Vertrag V-2023-138."
                ),
                (
                    "Sehr geehrte Damen und Herren, das Hausnotrufgerät meines Vaters, das über "
                    "Ihren Festnetzanschluss läuft, meldet seit Dienstag eine Störung. Bitte "
                    "behandeln Sie das dringend. Vielen Dank, Claudia Hüttner"
                ),
                (
                    "Kannst du mir sagen, warum mein Zähler seit gestern piept? Da blinkt auch so "
                    "ein Warndreieck."
                ),
            ],
        },
    },
    {
        "slug": "out_of_scope",
        "name": {"en": "Out of scope", "de": "Nicht zuständig"},
        "action": "manual",
        "mode": "assist",
        "threshold": 0.75,
        "risk_class": "none",
        "amount_limit": None,
        "required_slots": [],
        "qa_sample_rate": 0.10,
        "four_eyes": False,
        "reply_templates": {
            "en": (
                "Hello {customer_name},\n\nthank you for your message. We will have a look at it "
                "and pass it on to the right place if necessary.\n\n"
                "Please note that this mailbox is intended for questions about orders, deliveries, "
                "contracts and invoices, so we may not be able to reply to every request.\n\n"
                "Kind regards\nYour customer service team\n\n"
                "Reference: {reference}"
            ),
            "de": (
                "Guten Tag {customer_name},\n\n"
                "vielen Dank für Ihre Nachricht. Wir sehen sie uns an und leiten sie bei Bedarf an "
                "die richtige Stelle weiter.\n\n"
                "Bitte beachten Sie, dass dieses Postfach für Fragen zu Bestellungen, Lieferungen, "
                "Verträgen und Rechnungen gedacht ist. Wir können daher nicht jede Anfrage "
                "beantworten.\n\nFreundliche Grüße\n"
                "Ihr Kundenservice\n\nVorgangsnummer: {reference}"
            ),
        },
        "examples": {
            "en": [
                "Hello?",
                (
                    "Hi, I'd like to apply for the customer service position advertised on "
                    "LinkedIn. My CV is attached."
                ),
                (
                    "Dear Sir/Madam, we are a leading provider of AI-powered lead generation and "
                    "would love to schedule a 15-minute call to show you how we can triple your "
                    "sales."
                ),
                "What's the weather going to be like in Hamburg tomorrow?",
                "Congratulations! You have won a $1,000 gift card. Click here to claim your prize.",
                "test",
                (
                    "Why did the electron cross the road? Anyway, have a nice day, whoever reads "
                    "this :)"
                ),
                "Do you sell car insurance?",
                (
                    "Hi, I'm a student writing my thesis on customer service automation. Would "
                    "someone from your team be available for a 30-minute interview?"
                ),
                "Can you recommend a good plumber in my area?",
                "asdfghjkl",
                (
                    "Hello, we're a local football club looking for sponsors for our youth team "
                    "this season. Would your company be interested?"
                ),
                "Is this the right email for the pharmacy? I need to renew my prescription.",
                "I think your new TV ad is great, the dog is so cute. That's all, no question :)",
                (
                    "Dear partner, we offer SEO services and a guaranteed first-page Google "
                    "ranking for only $299/month."
                ),
                "Who won the match last night?",
                "Sorry, wrong address, please ignore.",
                (
                    "Dear customer, your mailbox is almost full. Verify your account here to avoid "
                    "suspension."
                ),
                "Can you tell me the opening hours of the city council office?",
                (
                    "We are a logistics company and would like to offer you our warehousing "
                    "services at competitive rates. Please find our brochure attached."
                ),
                "Do you know how to cook rice in the microwave?",
                (
                    "Hello, my name is Priya, I'm a photographer and would love to shoot your next "
                    "catalogue. Portfolio link below."
                ),
                "I'm writing a poem about electricity. Can you give me some rhymes for 'voltage'?",
                "Ok thanks bye",
                "Is there parking near your head office? I have a job interview there on Thursday.",
                "Are you guys hiring? Would love a marketing internship.",
                "URGENT: Your PayPal account has been limited. Log in to restore access.",
                "Can you help me with my homework? It's about the French Revolution.",
                (
                    "Hi, do you know a good electrician who could put up a ceiling lamp? It's not "
                    "from you, just asking."
                ),
                (
                    "Hello, I'm from the local newspaper and would like a comment on the wind farm "
                    "planned near our town."
                ),
                "Can you settle a bet for us: is a hot dog a sandwich?",
                "Is it true that your company is being bought? Read something in the paper.",
                "Hi, I found a wallet in your Leeds store. Who should I hand it to?",
                "Just wanted to say hi. Have a great weekend!",
                "Greetings from Mallorca! (Oops, wrong address - this was meant for my sister.)",
            ],
            "de": [
                "Hallo?",
                (
                    "Guten Tag, hiermit bewerbe ich mich auf die ausgeschriebene Stelle als "
                    "Kundenberater (m/w/d). Lebenslauf und Zeugnisse anbei."
                ),
                (
                    "Sehr geehrte Damen und Herren, als führender Anbieter für KI-gestützte "
                    "Leadgenerierung würden wir Ihnen gern in einem 15-minütigen Call zeigen, wie "
                    "Sie Ihren Umsatz verdreifachen."
                ),
                "Wie wird das Wetter morgen in Hamburg?",
                (
                    "Herzlichen Glückwunsch! Sie haben einen Gutschein über 1.000 € gewonnen. "
                    "Klicken Sie hier, um Ihren Gewinn einzulösen."
                ),
                "Testnachricht, bitte ignorieren",
                (
                    "Treffen sich zwei Elektronen … ach, egal. Schönen Tag noch an wen auch immer, "
                    "der das liest :)"
                ),
                "Verkaufen Sie auch Kfz-Versicherungen?",
                (
                    "Hallo, ich schreibe meine Bachelorarbeit über Automatisierung im "
                    "Kundenservice. Hätte jemand aus Ihrem Team Zeit für ein halbstündiges "
                    "Interview?"
                ),
                "Kennen Sie einen guten Klempner hier in der Gegend?",
                "jjjjjjjjjjjj",
                (
                    "Hallo, wir sind ein Sportverein aus Bochum und suchen für unsere "
                    "Jugendmannschaft noch Sponsoren. Hätte Ihr Unternehmen Interesse?"
                ),
                "Bin ich hier richtig bei der Apotheke? Ich brauche ein neues Rezept.",
                (
                    "Euer neuer Werbespot ist super, der Hund ist so süß. Wollte ich nur mal "
                    "loswerden :)"
                ),
                (
                    "Sehr geehrter Partner, wir bieten SEO-Dienstleistungen mit garantierter "
                    "Top-Platzierung bei Google für nur 299 €/Monat."
                ),
                "Wer hat gestern das Spiel gewonnen?",
                "Sorry, falsche Adresse, bitte ignorieren.",
                (
                    "Sehr geehrter Kunde, Ihr Postfach ist fast voll. Bestätigen Sie jetzt Ihr "
                    "Konto, um eine Sperrung zu vermeiden."
                ),
                "Wann hat das Bürgeramt geöffnet?",
                (
                    "Wir sind ein Logistikunternehmen und bieten Ihnen Lagerflächen zu attraktiven "
                    "Konditionen an. Unsere Broschüre finden Sie im Anhang."
                ),
                "Wie kocht man Reis in der Mikrowelle?",
                (
                    "Hallo, ich bin Fotografin und würde gern Ihren nächsten Katalog "
                    "fotografieren. Mein Portfolio finden Sie unter dem Link unten."
                ),
                "Ich schreibe ein Gedicht über Strom. Was reimt sich auf „Spannung“?",
                "Ok danke tschüss",
                (
                    "Gibt es Parkplätze in der Nähe Ihrer Zentrale? Ich habe dort am Donnerstag "
                    "ein Vorstellungsgespräch."
                ),
                "Sucht ihr noch Praktikanten? Würde gern mal ins Marketing reinschnuppern.",
                (
                    "DRINGEND: Ihr PayPal-Konto wurde eingeschränkt. Melden Sie sich an, um den "
                    "Zugang wiederherzustellen."
                ),
                "Kannst du mir bei meinen Hausaufgaben helfen? Thema Französische Revolution.",
                (
                    "Hallo, kennen Sie einen Elektriker, der mir eine Deckenlampe anbringen kann? "
                    "Die Lampe ist nicht von Ihnen, nur so als Frage."
                ),
                (
                    "Guten Tag, hier ist die Lokalredaktion des Tageblatts. Wir hätten gern eine "
                    "Stellungnahme zum geplanten Windpark in unserer Gemeinde."
                ),
                "Kannst du eine Wette entscheiden: Ist ein Hotdog ein Sandwich?",
                "Stimmt es, dass ihr verkauft werdet? Hab da was in der Zeitung gelesen.",
                (
                    "Hallo, ich habe in Ihrer Filiale in Essen ein Portemonnaie gefunden. Wem soll "
                    "ich es geben?"
                ),
                "Ich wollte nur mal Hallo sagen. Schönes Wochenende!",
                (
                    "Liebe Grüße aus dem Urlaub! (Falsche Adresse, sorry - war eigentlich für "
                    "meine Schwester gedacht.)"
                ),
                "Moin",
            ],
        },
    },
]

DEMO_MESSAGES: list[dict] = [
    {
        "from_email": "grace.whitman@example.com",
        "from_name": "Grace Whitman",
        "subject": "Delivery next Tuesday",
        "body": (
            "Hi,\n\nmy new bookshelf (order #A-24117) is booked for next Tuesday, but I've just "
            "been told I have to travel for work that day. Could you move it to Thursday or "
            "Friday? Afternoons would be best.\n\n"
            "Thanks a lot,\nGrace"
        ),
        "language": "en",
    },
    {
        "from_email": "tobias.lang@example.org",
        "from_name": "Tobias Lang",
        "subject": "Liefertermin 4711-7730",
        "body": (
            "Hallo,\n\nkönnen wir die Lieferung vom 17.10. auf die Woche danach verschieben? Wir "
            "streichen gerade das Wohnzimmer, und das Sofa hätte noch gar keinen Platz.\n\n"
            "Gruß\nTobias Lang"
        ),
        "language": "de",
    },
    {
        "from_email": "mia.schroeder@example.net",
        "from_name": "Mia Schröder",
        "subject": "Samstag?",
        "body": (
            "Hey, geht die Lieferung auch an einem Samstag? Unter der Woche bin ich nie vor 19 Uhr "
            "daheim. Bestellung 4711-8815"
        ),
        "language": "de",
    },
    {
        "from_email": "nathan.cole@example.com",
        "from_name": "Nathan Cole",
        "subject": "Order A-24502 - different day please",
        "body": (
            "Hello, the wardrobe is due on Monday but nobody will be in. My neighbour is a "
            "solicitor who works from home on Thursdays and she's happy to let your team in, so "
            "could you deliver on Thursday instead? Cheers, Nathan"
        ),
        "language": "en",
    },
    {
        "from_email": "sabine.krause@example.org",
        "from_name": "Sabine Krause",
        "subject": "Abschlag anpassen",
        "body": (
            "Guten Tag,\n\nwir haben im Sommer neue Fenster einbauen lassen und heizen seitdem "
            "deutlich weniger. Könnten Sie den monatlichen Gasabschlag von 120 € auf 90 € "
            "reduzieren? Vertragsnummer V-2024-233.\n\n"
            "Vielen Dank und freundliche Grüße\n"
            "Sabine Krause"
        ),
        "language": "de",
    },
    {
        "from_email": "priya.raman@example.net",
        "from_name": "Priya Raman",
        "subject": "Fixed price tariff",
        "body": (
            "Hi, I saw the 24-month fixed price offer on your website. I'd like to move my "
            "electricity contract V-2023-517 onto it, starting as soon as possible. Thanks, Priya"
        ),
        "language": "en",
    },
    {
        "from_email": "ludwig.engel@example.com",
        "from_name": "Ludwig Engel",
        "subject": "Vertragsänderung Internet",
        "body": (
            "Sehr geehrte Damen und Herren,\n\n"
            "da meine Enkel nun häufiger zu Besuch sind und alle gleichzeitig streamen, möchte ich "
            "meinen Internetanschluss von 50 auf 100 Mbit erhöhen. Vertrag V-2022-665.\n\n"
            "Mit freundlichen Grüßen\nLudwig Engel"
        ),
        "language": "de",
    },
    {
        "from_email": "ben.carter@example.org",
        "from_name": "Ben Carter",
        "subject": "",
        "body": "Can I lower my monthly payment? V-2024-301",
        "language": "en",
    },
    {
        "from_email": "klaus.berger@example.net",
        "from_name": "Klaus Berger",
        "subject": "Abschlag senken",
        "body": (
            "Hallo, bitte senken Sie meinen Abschlag auf 70 €, Vertrag V-2021-402. Mein Sohn, der "
            "Jurist ist, meinte, ich solle die letzte Abrechnung genau prüfen lassen, aber "
            "eigentlich sieht sie korrekt aus. Mir ist nur der Abschlag zu hoch. Gruß K. Berger"
        ),
        "language": "de",
    },
    {
        "from_email": "oliver.grant@example.com",
        "from_name": "Oliver Grant",
        "subject": "New address from 1 November",
        "body": (
            "Hello,\n\nI'm moving house at the end of the month. From 1 November please use 12 "
            "Hawthorn Road, Leeds LS8 2JP for both deliveries and bills.\n\n"
            "Best wishes,\nOliver Grant"
        ),
        "language": "en",
    },
    {
        "from_email": "julia.neumann@example.org",
        "from_name": "Julia Neumann",
        "subject": "Neue Anschrift",
        "body": (
            "Liebes Serviceteam, ich bin am Wochenende umgezogen. Meine neue Adresse lautet "
            "Kornblumenweg 14, 30159 Hannover. Bitte ändern Sie das in meinem Kundenkonto. Danke! "
            "Julia Neumann"
        ),
        "language": "de",
    },
    {
        "from_email": "ahmet.demir@example.com",
        "from_name": "Ahmet Demir",
        "subject": "Rechnungsadresse ändern",
        "body": (
            "Guten Tag, ab sofort sollen alle Rechnungen an meine Firma gehen: Demir Haustechnik, "
            "Werkstraße 5, 45127 Essen. Die Lieferadresse bleibt privat wie bisher. Mfg Ahmet Demir"
        ),
        "language": "de",
    },
    {
        "from_email": "chloe.bennett@example.net",
        "from_name": "Chloe Bennett",
        "subject": "Change of address - please keep private",
        "body": (
            "Hi, I've moved to 3 Larch Court, Norwich NR2 4QA. Please update my account. I'm "
            "moving because of a difficult personal situation, so please make sure the new address "
            "isn't passed on to anyone who calls asking for it. Thank you, Chloe"
        ),
        "language": "en",
    },
    {
        "from_email": "samuel.reed@example.com",
        "from_name": "Samuel Reed",
        "subject": "Tracking not moving",
        "body": (
            "Hi there, order A-24876 has been showing 'label created' for five days now. Has it "
            "actually left your warehouse? Thanks, Sam"
        ),
        "language": "en",
    },
    {
        "from_email": "petra.wagner@example.org",
        "from_name": "Petra Wagner",
        "subject": "Bestellung 4711-8346",
        "body": (
            "Guten Tag,\n\nich habe am Montag einen Wasserkocher und zwei Tassen bestellt, bisher "
            "aber keine Versandbestätigung bekommen. Können Sie mir sagen, wann die Sachen "
            "verschickt werden?\n\nFreundliche Grüße\n"
            "Petra Wagner"
        ),
        "language": "de",
    },
    {
        "from_email": "liam.obrien@example.net",
        "from_name": "Liam O'Brien",
        "subject": "parcel",
        "body": "where's my parcel?? A-24633",
        "language": "en",
    },
    {
        "from_email": "uwe.schmitt@example.com",
        "from_name": "Uwe Schmitt",
        "subject": "Wo bleibt die Lieferung?",
        "body": (
            "Hallo, meine Bestellung 4711-9057 hätte laut Bestätigung am Dienstag kommen sollen. "
            "Bis jetzt nichts. Wenn das Paket bis Freitag nicht da ist, storniere ich und will "
            "mein Geld zurück. Aber eigentlich hätte ich die Sachen schon gerne. Uwe Schmitt"
        ),
        "language": "de",
    },
    {
        "from_email": "lea.hoffmann@example.net",
        "from_name": "Lea Hoffmann",
        "subject": "kurze Frage",
        "body": (
            "Hey, kannst du mal nachschauen, ob meine Bestellung 4711-6201 schon unterwegs ist? "
            "Danke dir 😊"
        ),
        "language": "de",
    },
    {
        "from_email": "emma.clarke@example.com",
        "from_name": "Emma Clarke",
        "subject": "Invoice for expenses",
        "body": (
            "Hi, could you send me the invoice for order A-23990 (the office chair)? My company "
            "reimburses it but needs a proper invoice, not the order confirmation. Thanks, Emma"
        ),
        "language": "en",
    },
    {
        "from_email": "rainer.vogel@example.org",
        "from_name": "Rainer Vogel",
        "subject": "Rechnungskopie für Nachlass",
        "body": (
            "Sehr geehrte Damen und Herren,\n\n"
            "meine Mutter, Frau Hildegard Vogel, ist im März verstorben. Der Anwalt, der den "
            "Nachlass regelt, benötigt eine Kopie der letzten Stromrechnung zu ihrem Vertrag "
            "V-2019-204. Könnten Sie mir diese bitte zusenden?\n\n"
            "Mit freundlichen Grüßen\nRainer Vogel"
        ),
        "language": "de",
    },
    {
        "from_email": "anja.keller@example.net",
        "from_name": "Anja Keller",
        "subject": "Jahresabrechnung 2023",
        "body": (
            "Hallo, ich finde meine Jahresabrechnung 2023 nicht mehr. Können Sie mir die bitte "
            "nochmal als PDF schicken? Vertrag V-2022-775. Danke, Anja Keller"
        ),
        "language": "de",
    },
    {
        "from_email": "thomas.wright@example.com",
        "from_name": "Thomas Wright",
        "subject": "Duplicate invoices required",
        "body": (
            "Good morning,\n\nfor our year-end audit we need copies of the invoices for orders "
            "A-22104 and A-22398. Could you send them to this address?\n\n"
            "Kind regards\nThomas Wright\n"
            "Finance, Wright & Cole Ltd"
        ),
        "language": "en",
    },
    {
        "from_email": "jessica.hall@example.net",
        "from_name": "Jessica Hall",
        "subject": "Refund for returned boots",
        "body": (
            "Hello,\n\nI sent the boots from order A-24210 back on 2 October and your tracking "
            "shows they arrived on the 5th. I still haven't received the €89.95. Could you check, "
            "please?\n\nThanks,\nJessica Hall"
        ),
        "language": "en",
    },
    {
        "from_email": "markus.braun@example.com",
        "from_name": "Markus Braun",
        "subject": "Doppelte Abbuchung",
        "body": (
            "Guten Tag, für meine Bestellung 4711-7342 wurden 34,99 € zweimal von meinem Konto "
            "abgebucht. Bitte erstatten Sie den doppelten Betrag. Kontoauszug kann ich gerne "
            "schicken. Gruß Markus Braun"
        ),
        "language": "de",
    },
    {
        "from_email": "daniel.foster@example.org",
        "from_name": "Daniel Foster",
        "subject": "BROKEN KETTLE",
        "body": (
            "Second kettle in a month that's stopped working. I'm not having a third. Just give me "
            "my $45 back. Order A-24388."
        ),
        "language": "en",
    },
    {
        "from_email": "katharina.roth@example.net",
        "from_name": "Katharina Roth",
        "subject": "Teilerstattung?",
        "body": (
            "Hallo, bei meinem Geschirrset (Bestellung 4711-6620) war eine Schüssel angeschlagen. "
            "Den Rest möchte ich behalten. Wäre eine Teilerstattung von ca. 15 € möglich? Foto "
            "hänge ich an. Viele Grüße, Katharina"
        ),
        "language": "de",
    },
    {
        "from_email": "frank.ziegler@example.com",
        "from_name": "Frank Ziegler",
        "subject": "Guthaben Schlussrechnung",
        "body": (
            "Sehr geehrte Damen und Herren,\n\n"
            "laut Ihrer Schlussrechnung vom 12.08. zu Vertrag V-2020-318 steht mir ein Guthaben "
            "von 212,40 € zu. Eine Überweisung ist bisher nicht erfolgt. Bitte veranlassen Sie die "
            "Auszahlung auf mein bekanntes Konto.\n\n"
            "Mit freundlichen Grüßen\nFrank Ziegler"
        ),
        "language": "de",
    },
    {
        "from_email": "victoria.hayes@example.com",
        "from_name": "Victoria Hayes",
        "subject": "Letter before action - order A-23102",
        "body": (
            "Dear Sir or Madam,\n\nI have written to you four times about the faulty dishwasher "
            "from order A-23102, which has now damaged my kitchen floor. Unless you confirm within "
            "10 days that you will cover the repair costs, I will issue a claim in the county "
            "court without further notice.\n\n"
            "Yours faithfully,\nVictoria Hayes"
        ),
        "language": "en",
    },
    {
        "from_email": "bernd.schuster@example.org",
        "from_name": "Bernd Schuster",
        "subject": "Ihre Preiserhöhung",
        "body": (
            "Sehr geehrte Damen und Herren,\n\n"
            "ich halte Ihre Preiserhöhung zum 01.01. für unwirksam, da mir keine fristgerechte "
            "Mitteilung zugegangen ist. Ich habe meinen Anwalt eingeschaltet und werde die "
            "Mehrbeträge nicht zahlen. Vertrag V-2021-588.\n\n"
            "Dr. Bernd Schuster"
        ),
        "language": "de",
    },
    {
        "from_email": "sandra.klein@example.net",
        "from_name": "Sandra Klein",
        "subject": "Beschwerde",
        "body": (
            "Ich habe jetzt genug. Seit sechs Wochen warte ich auf mein Geld für die "
            "zurückgeschickte Waschmaschine, niemand antwortet. Ich war heute bei der "
            "Verbraucherzentrale und lasse eine Klage vorbereiten. Sandra Klein, Bestellung "
            "4711-5218"
        ),
        "language": "de",
    },
    {
        "from_email": "mark.stevens@example.com",
        "from_name": "Mark Stevens",
        "subject": "",
        "body": "Not paying this. My lawyer will call you. V-2022-731",
        "language": "en",
    },
    {
        "from_email": "rachel.morgan@example.org",
        "from_name": "Rachel Morgan",
        "subject": "Subject access request",
        "body": (
            "Dear data protection team,\n\n"
            "please provide me with a copy of all personal data you hold about me under Article 15 "
            "GDPR, including call recordings and any notes made by your staff.\n\n"
            "Kind regards\nRachel Morgan"
        ),
        "language": "en",
    },
    {
        "from_email": "wolfgang.richter@example.com",
        "from_name": "Wolfgang Richter",
        "subject": "Löschung meiner Daten",
        "body": (
            "Sehr geehrte Damen und Herren, mein Vertrag ist seit über einem Jahr beendet. Ich "
            "fordere Sie gemäß Art. 17 DSGVO auf, sämtliche Daten zu meiner Person zu löschen, "
            "soweit keine gesetzlichen Aufbewahrungspflichten bestehen, und mir die Löschung zu "
            "bestätigen. Wolfgang Richter"
        ),
        "language": "de",
    },
    {
        "from_email": "nina.schulz@example.net",
        "from_name": "Nina Schulz",
        "subject": "Werbung",
        "body": (
            "Hallo, ich bekomme seit Wochen Werbeanrufe von euch, obwohl ich nie zugestimmt habe. "
            "Bitte nehmt meine Nummer aus allen Listen und sagt mir, woher ihr sie habt. Nina"
        ),
        "language": "de",
    },
    {
        "from_email": "arjun.patel@example.com",
        "from_name": "Arjun Patel",
        "subject": "Where did you get my details?",
        "body": (
            "Hi, I got a letter from you offering a broadband deal, addressed to me by name. I've "
            "never been your customer. Where did you get my name and address from? Please delete "
            "them."
        ),
        "language": "en",
    },
    {
        "from_email": "kevin.walsh@example.net",
        "from_name": "Kevin Walsh",
        "subject": "Internet down",
        "body": (
            "Hi, no internet at all since about 7pm yesterday. The DSL light on the router keeps "
            "blinking and I've already restarted it twice. Contract V-2023-414. Kevin"
        ),
        "language": "en",
    },
    {
        "from_email": "monika.seidel@example.org",
        "from_name": "Monika Seidel",
        "subject": "Zähler zeigt nichts an",
        "body": (
            "Guten Tag, das Display an unserem Stromzähler im Keller ist seit gestern dunkel. "
            "Strom haben wir ganz normal. Muss da jemand vorbeikommen? Vertrag V-2020-977. "
            "Freundliche Grüße, Monika Seidel"
        ),
        "language": "de",
    },
    {
        "from_email": "jan.hartmann@example.com",
        "from_name": "Jan Hartmann",
        "subject": "App geht nicht",
        "body": (
            "Hi, seit dem Update gestern stürzt eure App sofort nach dem Start ab. Pixel 7, "
            "Android 14. Neu installiert hab ich sie schon."
        ),
        "language": "de",
    },
    {
        "from_email": "laura.bishop@example.org",
        "from_name": "Laura Bishop",
        "subject": "Can't log in",
        "body": (
            "Hello, every time I try to log in to my account, the page just reloads and nothing "
            "happens. I've tried two browsers and cleared my cookies. Could you help? Laura Bishop"
        ),
        "language": "en",
    },
    {
        "from_email": "jordan.blake@example.org",
        "from_name": "Jordan Blake",
        "subject": "Quick question about your customer support",
        "body": (
            "Hi there,\n\nI'm reaching out from Pitchwell Digital. We help companies like yours "
            "cut support costs by 40% with our omnichannel platform. Do you have 15 minutes next "
            "week for a quick demo?\n\nBest,\n"
            "Jordan Blake"
        ),
        "language": "en",
    },
    {
        "from_email": "lukas.meier@example.net",
        "from_name": "Lukas Meier",
        "subject": "Bewerbung Ausbildung",
        "body": (
            "Sehr geehrte Damen und Herren,\n\n"
            "hiermit bewerbe ich mich um einen Ausbildungsplatz als Kaufmann im E-Commerce zum 1. "
            "August. Meine Unterlagen finden Sie im Anhang.\n\n"
            "Mit freundlichen Grüßen\nLukas Meier"
        ),
        "language": "de",
    },
    {
        "from_email": "henry.dawson@example.com",
        "from_name": "Henry Dawson",
        "subject": "",
        "body": "hi is anyone there",
        "language": "en",
    },
    {
        "from_email": "renate.kuehn@example.org",
        "from_name": "Renate Kühn",
        "subject": "Müllabfuhr",
        "body": (
            "Hallo, wissen Sie, ob morgen die Müllabfuhr kommt? Wegen dem Feiertag bin ich mir "
            "nicht sicher."
        ),
        "language": "de",
    },
    {
        "from_email": "sophie.adams@example.net",
        "from_name": "Sophie Adams",
        "subject": "Kettle not heating",
        "body": (
            "Hi, the kettle from order A-24555 doesn't heat up at all, the light comes on and "
            "that's it. Can you send me a new one, or should I return it and get a refund? Thanks, "
            "Sophie"
        ),
        "language": "en",
    },
    {
        "from_email": "helmut.franke@example.com",
        "from_name": "Helmut Franke",
        "subject": "Umzug und Tarif",
        "body": (
            "Guten Tag,\n\nwir ziehen zum 1. Dezember in die Birkenstraße 22, 01307 Dresden. Bei "
            "der Gelegenheit möchten wir den Stromvertrag V-2023-840 auch gleich auf Ökostrom "
            "umstellen. Geht beides zusammen?\n\n"
            "Freundliche Grüße\nHelmut Franke"
        ),
        "language": "de",
    },
    {
        "from_email": "amelia.price@example.org",
        "from_name": "Amelia Price",
        "subject": "Sofa delivery - new address",
        "body": (
            "Hello, I'm moving next month. Could my sofa (order A-24711) be delivered to my new "
            "flat, 8 Quarry Lane, Bath BA1 5LT, on the 3rd instead of the current date? Many "
            "thanks, Amelia"
        ),
        "language": "en",
    },
    {
        "from_email": "dieter.wolff@example.net",
        "from_name": "Dieter Wolff",
        "subject": "",
        "body": "Rechnung?",
        "language": "de",
    },
]
