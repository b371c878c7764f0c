"""Fixed banks and proportions the synthetic site is drawn from.

Proportions are rough, public-source shaped figures for an inner-London borough (ONS Census 2021
for a Lambeth-like area) and for a Living Well network; they are for a realistic demo, not for
analysis. Every text is invented for the demo.
"""

from __future__ import annotations

# --- Demographics -----------------------------------------------------------------------------

# (code in people.models.ETHNICITY_CHOICES, weight in %).
ETHNICITY_WEIGHTS = [
    ("white_british", 39.0),
    ("white_irish", 2.0),
    ("white_gypsy_traveller", 0.1),
    ("white_roma", 0.3),
    ("white_other", 15.0),
    ("black_african", 11.0),
    ("black_caribbean", 9.0),
    ("black_other", 3.0),
    ("mixed_white_black_caribbean", 2.5),
    ("mixed_white_black_african", 1.5),
    ("mixed_white_asian", 1.8),
    ("mixed_other", 2.2),
    ("asian_indian", 1.8),
    ("asian_pakistani", 0.9),
    ("asian_bangladeshi", 1.0),
    ("asian_chinese", 1.3),
    ("asian_other", 2.0),
    ("other_arab", 1.0),
    ("other_any", 3.6),
    ("not_stated", 1.5),
]

# Faker locales used for names, by ethnicity (Latin-script locales only).
NAME_LOCALES = {
    "white_british": ["en_GB"],
    "white_irish": ["en_IE"],
    "white_gypsy_traveller": ["en_IE", "en_GB"],
    "white_roma": ["ro_RO", "sk_SK"],
    "white_other": ["pl_PL", "pt_PT", "es_ES", "it_IT", "fr_FR", "ro_RO", "lt_LT", "de_DE"],
    "black_african": ["en_NG", "yo_NG", "tw_GH", "en_KE", "ig_NG"],
    "black_caribbean": ["en_GB"],
    "black_other": ["en_GB", "en_NG"],
    "mixed_white_black_caribbean": ["en_GB"],
    "mixed_white_black_african": ["en_GB", "en_NG"],
    "mixed_white_asian": ["en_GB", "en_IN"],
    "mixed_other": ["en_GB", "pt_BR", "es_CO"],
    "asian_indian": ["en_IN"],
    "asian_pakistani": ["en_PK"],
    "asian_bangladeshi": ["en_IN"],
    "asian_chinese": ["en_GB"],
    "asian_other": ["en_IN", "vi_VN", "en_PK"],
    "other_arab": ["en_PK", "fr_DZ"],
    "other_any": ["es_CO", "pt_BR", "tr_TR", "en_GB"],
    "not_stated": ["en_GB"],
}

# Languages other than English a person may prefer, by ethnicity (most people: English).
OTHER_LANGUAGES = {
    "white_other": [
        "Polish",
        "Portuguese",
        "Spanish",
        "Italian",
        "French",
        "Romanian",
        "Lithuanian",
    ],
    "white_roma": ["Romanian", "Romani"],
    "black_african": ["Yoruba", "Twi", "Somali", "French", "Igbo"],
    "asian_bangladeshi": ["Bengali", "Sylheti"],
    "asian_pakistani": ["Urdu"],
    "asian_indian": ["Gujarati", "Tamil"],
    "asian_chinese": ["Cantonese", "Mandarin"],
    "asian_other": ["Vietnamese", "Tamil"],
    "other_arab": ["Arabic"],
    "other_any": ["Spanish", "Portuguese", "Turkish"],
}

# Age bands for adults seeking help: (low, high inclusive, weight). Skewed to 20-45.
AGE_BANDS = [
    (18, 19, 4),
    (20, 24, 12),
    (25, 29, 15),
    (30, 34, 15),
    (35, 39, 13),
    (40, 44, 11),
    (45, 49, 8),
    (50, 54, 7),
    (55, 59, 6),
    (60, 64, 4),
    (65, 74, 3.5),
    (75, 90, 1.5),
]

# Index of Multiple Deprivation decile (1 = most deprived), skewed to more deprived.
DEPRIVATION_WEIGHTS = [14, 16, 15, 12, 10, 9, 8, 7, 5, 4]

# Postcode districts of the demo borough (real-looking south London districts).
POSTCODE_DISTRICTS = [
    ("SE1", 6),
    ("SE5", 9),
    ("SE11", 9),
    ("SE24", 5),
    ("SE27", 7),
    ("SW2", 11),
    ("SW4", 8),
    ("SW8", 9),
    ("SW9", 12),
    ("SW12", 6),
    ("SW16", 10),
    ("SE21", 3),
    ("SE19", 3),
]
# Inward codes: digit + two letters, without C I K M O V.
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# Sex at birth as recorded, and gender in the person's words (small share of trans and
# non-binary identities, in line with the 2021 census question on gender identity).
SEX_WEIGHTS = [("female", 55.0), ("male", 43.0), ("not_said", 2.0)]
GENDER_FOR_SEX = {
    "female": [
        ("Woman", 88.0),
        ("Female", 8.0),
        ("Trans man", 0.6),
        ("Non-binary", 1.4),
        ("", 2.0),
    ],
    "male": [("Man", 88.0), ("Male", 8.0), ("Trans woman", 0.6), ("Non-binary", 1.2), ("", 2.2)],
    "not_said": [
        ("", 50.0),
        ("Non-binary", 20.0),
        ("Genderqueer", 10.0),
        ("Prefer not to say", 20.0),
    ],
}

# --- The network ------------------------------------------------------------------------------

TRUST_NAME = "Demo Borough Mental Health NHS Foundation Trust"
COUNCIL_NAME = "Demo Borough Council"

# (name, short name, kind, [(team name, base staff, role of most staff)], purpose for handovers)
PARTNERS = [
    (
        "Riverside Mind",
        "Riverside Mind",
        "vcs",
        [("Riverside Support", 4, "partner_worker")],
        "wellbeing",
    ),
    (
        "Homeward Housing Advice",
        "Homeward",
        "vcs",
        [("Housing Advice Team", 3, "partner_worker")],
        "housing",
    ),
    (
        "Clearpath Debt and Benefits Advice",
        "Clearpath",
        "vcs",
        [("Money Advice Team", 3, "partner_worker")],
        "money",
    ),
    (
        "Working Well Employment Support",
        "Working Well",
        "vcs",
        [("Employment Specialists", 3, "partner_worker")],
        "work",
    ),
    (
        "Demo Borough Carers' Centre",
        "Carers' Centre",
        "vcs",
        [("Carers Support Team", 3, "partner_worker")],
        "carers",
    ),
    (
        "Open Studio Arts and Sport",
        "Open Studio",
        "vcs",
        [("Activities Team", 3, "partner_worker")],
        "activity",
    ),
    (
        "Peer Voices Collective",
        "Peer Voices",
        "peer_led",
        [("Peer Support Team", 4, "peer_worker")],
        "peer",
    ),
]

TRUST_TEAMS = [
    # (name, base staff, is_hub)
    ("Living Well Hub", 12, True),
    ("North Community Team", 7, False),
    ("South Community Team", 7, False),
    ("Crisis Outreach Team", 5, False),
]
COUNCIL_TEAMS = [("Adult Social Care: Mental Health", 4), ("Housing Options", 3)]

JOB_TITLES = {
    "hub_worker": [
        "Mental health practitioner",
        "Support worker",
        "Social worker",
        "Occupational therapist",
        "Mental health nurse",
        "Wellbeing practitioner",
    ],
    "key_worker": [
        "Community mental health nurse",
        "Social worker",
        "Occupational therapist",
        "Psychologist",
        "Support time and recovery worker",
        "Care coordinator",
    ],
    "peer_worker": ["Peer support worker", "Senior peer support worker"],
    "partner_worker": ["Support worker", "Adviser", "Project worker", "Caseworker"],
    "team_lead": ["Team manager", "Team leader"],
}
PARTNER_TITLES = {
    "wellbeing": ["Wellbeing support worker", "Recovery worker"],
    "housing": ["Housing adviser", "Tenancy sustainment worker"],
    "money": ["Debt adviser", "Welfare benefits caseworker"],
    "work": ["Employment specialist (IPS)", "Job coach"],
    "carers": ["Carers support worker", "Family support worker"],
    "activity": ["Activity coordinator", "Community sports coach"],
    "peer": ["Peer support worker", "Peer group facilitator"],
}

# Services each partner offers, for handovers (short names; the directory holds details).
SERVICES = {
    "wellbeing": ["Talking and listening support", "Wellbeing courses", "Crisis café"],
    "housing": ["Housing advice drop-in", "Tenancy sustainment support"],
    "money": ["Debt casework", "Benefits check and appeals"],
    "work": ["Individual Placement and Support (IPS)", "Back to work coaching"],
    "carers": ["Carers' support group", "Carers' assessment help"],
    "activity": ["Creative arts group", "Walking football", "Community gardening"],
    "peer": ["Peer support group", "One-to-one peer support"],
    "social_care": ["Care Act assessment"],
    "housing_options": ["Housing options assessment"],
}

HANDOVER_ASKS = {
    "wellbeing": [
        "Weekly one-to-one support while waiting for talking therapy.",
        "Help to build a routine and get out of the house again.",
    ],
    "housing": [
        "Advice on rent arrears and a letter from the landlord.",
        "Help with a repairs dispute and damp in the flat.",
    ],
    "money": [
        "Help with council tax debt and a benefits check.",
        "Support with a PIP application and mandatory reconsideration.",
    ],
    "work": [
        "Wants to find paid work; please start IPS support.",
        "Help to return to work after long-term sickness absence.",
    ],
    "carers": [
        "Caring for a parent and exhausted; carers' support please.",
        "Support for the person's partner, who is their main carer.",
    ],
    "activity": [
        "Interested in an art group to meet people.",
        "Would like a sport or exercise group, ideally outdoors.",
    ],
    "peer": [
        "Would value talking to someone who has been through something similar.",
        "Peer support group to reduce isolation.",
    ],
    "social_care": ["Care Act assessment: struggling with daily living at home."],
    "housing_options": ["At risk of losing accommodation in the next two months."],
}

DECLINE_REASONS = [
    "We have no capacity for new people for six weeks; the drop-in may help sooner.",
    "The person lives outside the area we are funded to cover.",
    "A specialist debt service would fit better than our general advice.",
    "The group the person asked for has closed for the summer.",
    "We tried three times to reach the person and could not; please check their number.",
    "The person told us they would rather wait until after their house move.",
    "Our service is paused while we recruit; please offer this elsewhere.",
    "What is asked needs a clinical service rather than our volunteers.",
]

TRANSFER_REASONS = [
    "Key worker going on parental leave.",
    "Person asked for a worker who speaks Portuguese.",
    "Caseload balancing in the team.",
    "Moved to the team nearer the person's new home.",
    "Person asked for a change of worker.",
    "Key worker has left the service.",
]
STEP_REASONS = {
    "stepped_up": [
        "More support needed after a difficult few weeks.",
        "Risk increased; agreed a step up with the person.",
        "Needs longer-term support than short-term work can give.",
    ],
    "stepped_down": [
        "Feeling more settled; agreed to step down.",
        "Crisis has eased; continuing with lighter support.",
        "Goals mostly met; community support from here.",
    ],
    "moved": ["Moved to a tier that fits better."],
}

# --- In the person's words --------------------------------------------------------------------

WHATS_HAPPENING = [
    "I've been feeling low for months and can't get out of bed most days.",
    "Since I lost my job I'm not sleeping and I worry all the time.",
    "My anxiety is so bad I haven't left the flat in weeks.",
    "Things have been hard since my mum died and I can't seem to cope.",
    "I'm hearing voices again and it's frightening.",
    "I keep having panic attacks on the bus and at work.",
    "I'm behind on rent and the stress is making everything worse.",
    "I've been drinking more to get through the day.",
    "I feel really isolated since moving here, I don't know anyone.",
    "My relationship ended and I feel like I'm falling apart.",
    "I've had thoughts of ending my life and I'm scared.",
    "My son is struggling and we don't know where to turn.",
    "I was discharged from hospital and have no support now.",
    "Old memories keep coming back and I can't concentrate.",
    "I'm a carer for my dad and I'm exhausted and low.",
]
WHAT_WOULD_HELP = [
    "Someone to talk to.",
    "Help getting back into a routine.",
    "Advice about money and benefits.",
    "I don't know, I just need some help.",
    "Meeting other people who understand.",
    "Help with my housing situation.",
    "Getting back to work.",
    "",
]
INTRODUCER_ROLES = {
    "gp": ["GP", "Practice nurse", "Social prescribing link worker"],
    "professional": [
        "Housing officer",
        "Probation officer",
        "A&E liaison nurse",
        "University wellbeing adviser",
        "Talking therapies therapist",
    ],
    "partner": ["Support worker", "Adviser", "Peer support worker"],
    "family": ["Mother", "Partner", "Sister", "Friend", "Son", "Daughter", "Neighbour"],
}
GP_PRACTICES = [
    "Riverside Medical Practice",
    "Stockwell Green Surgery",
    "Brixham Road Health Centre",
    "Kennington Lane Surgery",
    "Streatham Vale Practice",
    "Herne Hill Group Practice",
    "Clapham Park Surgery",
    "Norwood Health Centre",
]
PROFESSIONAL_ORGS = [
    "Demo Borough Housing",
    "South London Probation",
    "St Thomas' Emergency Department",
    "Riverside University Wellbeing Service",
    "Demo Borough Talking Therapies",
]

WHAT_MATTERS = [
    "Being a good dad to my kids.",
    "Keeping my flat.",
    "My faith and my church.",
    "Getting back to running.",
    "Seeing my friends again.",
    "My cat.",
    "Finishing my course.",
    "Feeling like myself again.",
    "Looking after my mum.",
    "Music.",
]
STRENGTHS = [
    "Close to her sister; enjoys cooking.",
    "Determined; has come through hard times before.",
    "Good sense of humour; volunteers at the food bank.",
    "Creative; plays guitar.",
    "Supportive partner; likes walking.",
    "Reflective and honest about what helps.",
]
RISKS = [
    "No current thoughts of harming self; safety plan agreed.",
    "Passing thoughts of not wanting to be here, no plans; safety plan agreed.",
    "Recent self-harm, now reducing; safety plan and crisis numbers shared.",
    "No risks identified today.",
]
SAFETY_PLAN = [
    "Call sister; walk to the park; Samaritans 116 123; NHS 111 option 2.",
    "Music and a shower; text a friend; crisis line NHS 111 option 2.",
    "Go to the crisis café; call the Hub in hours; 999 if in danger.",
]
NEXT_STEPS = [
    "Allocate a key worker and meet next week.",
    "Short-term support from the Hub; call again on Friday.",
    "Offer a handover to a community partner and keep in touch meanwhile.",
    "Meet at the GP surgery on Tuesday to start the plan.",
]
PLACES = ["Phone", "GP surgery", "Café", "Home visit", "Hub office", "Community centre", "Video"]

# About sixty goals, in the person's own words.
GOALS = [
    "I want to sleep through the night more often.",
    "I'd like to get out of the house at least three times a week.",
    "I want to go back to the gym.",
    "I want to sort out my debts so the letters stop.",
    "I'd like to feel less anxious on the bus.",
    "I want to get back to work, maybe part-time to start.",
    "I want to see my grandchildren more.",
    "I'd like to make some friends around here.",
    "I want to stop drinking during the day.",
    "I want to cook proper meals again.",
    "I'd like to understand my diagnosis better.",
    "I want to be able to go to the shops on my own.",
    "I want to keep my tenancy.",
    "I want to finish my college course.",
    "I'd like to get my benefits sorted.",
    "I want to feel safe at home.",
    "I want to be able to talk to my family about how I feel.",
    "I'd like to start volunteering.",
    "I want to walk in the park every morning.",
    "I want to get my confidence back.",
    "I want to manage my panic attacks.",
    "I'd like to have a routine that works for me.",
    "I want to take my medication regularly.",
    "I want to reduce my self-harm.",
    "I want to find a hobby I enjoy.",
    "I'd like to join a choir.",
    "I want to learn to swim.",
    "I want to speak up for myself at appointments.",
    "I want to repair things with my brother.",
    "I'd like to get a dog one day, so I need a stable place.",
    "I want to feel less lonely in the evenings.",
    "I want to get a job in a kitchen.",
    "I want to pass my driving theory test.",
    "I'd like to improve my English.",
    "I want to understand my money better.",
    "I want to look after my diabetes.",
    "I want to stop feeling like a burden.",
    "I'd like to get out of debt by next year.",
    "I want to be a better mum.",
    "I want to go back to church.",
    "I want to do some art again.",
    "I want to play football again.",
    "I want to be able to go to family events without panicking.",
    "I want to move somewhere quieter.",
    "I want to have fewer bad days.",
    "I'd like to get some qualifications.",
    "I want to deal with the nightmares.",
    "I want to go out in the evenings without being scared.",
    "I want to eat breakfast every day.",
    "I'd like to get back in touch with old friends.",
    "I want to know who to call when things get bad.",
    "I want to stop smoking.",
    "I want to feel proud of myself.",
    "I want to be able to look after my flat.",
    "I'd like to help other people who've been through this.",
    "I want to sort out my immigration paperwork.",
    "I want to go on holiday with my kids.",
    "I want to be more patient with myself.",
    "I want to spend less time on my phone at night.",
    "I want to feel part of my community.",
]
PLAN_ACTIONS = [
    ("Phone the council about the rent account", "Person with key worker"),
    ("Book a GP review of medication", "Person"),
    ("Try the Tuesday walking group", "Person"),
    ("Refer to debt advice", "Key worker"),
    ("Write down three good things each evening", "Person"),
    ("Look at courses at the adult college", "Person with peer worker"),
    ("Apply for a bus pass", "Key worker"),
    ("Agree a safety plan and share it with sister", "Person and key worker"),
]
CONTACT_NOTES = [
    "Talked through the week; sleeping a little better.",
    "Went to the shops together; managed well.",
    "Reviewed the safety plan; no new concerns.",
    "Felt low this week; agreed to call on Thursday.",
    "Helped fill in the benefits form.",
    "Met at the café; talked about the course.",
    "Checked in by text; replied that all is okay.",
    "Called twice, left a message.",
    "",
]
CLOSE_NOTES = {
    "supported": ["Goals mostly met; knows how to come back.", "Support ended as agreed."],
    "handed_over": ["Now supported by the partner service."],
    "person_declined": ["Decided it was not the right time; knows how to come back."],
    "not_reached": ["Tried phone, text and letter; letter left with how to come back."],
    "moved_away": ["Moved out of the borough; details of local services shared."],
}
