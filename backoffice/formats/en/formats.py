# One way to write a date and a time in English, everywhere (the workspace, the admin, the
# customer's emails and pages): "5 Dec 2026, 23:49". 24-hour: "11:49 p.m." ends a sentence in
# "p.m.." and reads differently in the admin than on the case page. (issue 17)
DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
