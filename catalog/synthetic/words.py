"""The synthetic catalogue's words and value tables: domain words (the head of the Zipf
distribution), a long tail of made-up place names, and the weights of institutions, licences,
formats and frequencies."""

import itertools
import random
from collections.abc import Iterator
from datetime import UTC, datetime

# Domain words, most frequent first: the head of the Zipf distribution.
_COMMON = """
data district annual report survey records public health state monthly census water school
village rainfall hospital population road transport crop price market electricity scheme
beneficiaries households women children employment tax revenue budget expenditure police crime
court land forest river pollution air quality vaccination disease births deaths literacy
enrolment teachers students farmers loans bank insurance pension ration shops food grain wheat
rice pulses sugarcane cotton milk fisheries livestock poultry irrigation canal reservoir dam
groundwater wells drinking sanitation toilets waste municipal ward urban rural block taluk
panchayat gram tehsil division circle zone station bus railway metro passengers freight fares
routes stops accidents vehicles registration licence permits traffic highway bridge port
airport flights tourism hotels museums monuments libraries sports stadium youth elderly
disability pensioners migrants labour wages factories industries enterprises startups exports
imports trade gst excise stamp duty property housing construction cement steel mining coal
minerals energy solar wind power generation transmission distribution consumers tariff meters
outages telecom internet broadband mobile towers postal offices courier banking atm credit
microfinance cooperative societies dairy procurement storage warehouses godowns cold chain
weather temperature humidity cyclone flood drought earthquake landslide relief rehabilitation
shelters camps vaccines doses clinics dispensaries doctors nurses beds ambulance blood bank
maternal infant mortality nutrition anganwadi midday meals stunting anaemia tuberculosis
malaria dengue leprosy cancer diabetes hypertension screening tests laboratories medicines
pharmacies insurance claims wellness yoga ayush elections voters constituencies candidates
polling booths results turnout assembly parliament councillors grievances complaints petitions
applications approvals certificates caste income domicile birth death marriage ownership
mutation cadastral survey maps boundaries villages towns cities wards pincodes coordinates
satellite imagery elevation soil fertility fertiliser seeds pesticides yield harvest sowing
kharif rabi horticulture fruits vegetables spices tea coffee rubber coconut arecanut cashew
bamboo timber wildlife sanctuary tiger elephant birds wetlands mangroves coast beaches fishing
boats catch prices inflation index wholesale retail consumption expenditure savings investment
"""
COMMON_WORDS = list(dict.fromkeys(_COMMON.split()))

THEME_TOPICS = {
    "AGRI": "crop yield sowing harvest mandi procurement fertiliser irrigation horticulture",
    "ECON": "budget revenue expenditure gst inflation trade exports credit investment",
    "EDUC": "school enrolment teachers literacy scholarships colleges examinations libraries",
    "ENER": "electricity generation solar tariff consumption outages substations meters",
    "ENVI": "air quality pollution forest cover rainfall groundwater wetlands emissions",
    "GOVE": "grievances certificates schemes beneficiaries panchayat elections budget",
    "HEAL": "hospital beds vaccination disease surveillance clinics doctors mortality",
    "INTR": "exports imports tourists visas remittances trade partners treaties",
    "JUST": "crime police stations court cases prisons accidents complaints",
    "REGI": "ward municipal property tax building permits roads drainage boundaries",
    "SOCI": "census population households migration pensions disability gender",
    "TECH": "research patents startups broadband internet laboratories satellites",
    "TRAN": "bus routes stops fares passengers railway traffic vehicles registration",
}
DEPARTMENTS = [
    ("Health and Family Welfare", "government", ["HEAL", "SOCI"]),
    ("Agriculture", "government", ["AGRI", "ENVI"]),
    ("School Education", "government", ["EDUC", "SOCI"]),
    ("Transport", "government", ["TRAN", "REGI"]),
    ("Energy", "government", ["ENER", "ECON"]),
    ("Finance", "government", ["ECON", "GOVE"]),
    ("Home", "government", ["JUST", "GOVE"]),
    ("Urban Development", "government", ["REGI", "TRAN"]),
    ("Forest, Ecology and Environment", "government", ["ENVI", "AGRI"]),
    ("Revenue", "government", ["GOVE", "REGI"]),
    ("Statistics and Programme Implementation", "government", ["SOCI", "ECON", "GOVE"]),
    ("Science and Technology", "government", ["TECH", "EDUC"]),
    ("Commerce and Industries", "government", ["ECON", "INTR"]),
    ("Institute of Public Health", "academic", ["HEAL", "TECH"]),
    ("University Department of Economics", "academic", ["ECON", "SOCI"]),
    ("Centre for Urban Mobility", "ngo", ["TRAN", "REGI"]),
    ("Water and Sanitation Trust", "ngo", ["ENVI", "HEAL"]),
    ("Power Distribution Company", "private", ["ENER"]),
]
LICENCES = [("CC-BY-4.0", 50), ("CC0-1.0", 15), ("ODbL-1.0", 10), ("CC-BY-SA-4.0", 10),
            ("GODL-1.0", 0), ("PDDL-1.0", 5), ("CC-BY-NC-4.0", 5), ("ODC-By-1.0", 5)]  # fmt: skip
FORMATS = [
    ("CSV", "text/csv", "csv", 45),
    ("JSON", "application/json", "json", 15),
    ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", 12),
    ("GeoJSON", "application/geo+json", "geojson", 8),
    ("PDF", "application/pdf", "pdf", 8),
    ("XML", "application/xml", "xml", 5),
    ("Parquet", "application/vnd.apache.parquet", "parquet", 3),
    ("Shapefile", "application/zip", "zip", 2),
    ("API", "application/json", "", 2),
]
FREQUENCIES = [
    "daily",
    "weekly",
    "monthly",
    "monthly",
    "quarterly",
    "annual",
    "annual",
    "irregular",
]
_ONSETS = [
    "k",
    "g",
    "ch",
    "j",
    "t",
    "d",
    "n",
    "p",
    "b",
    "m",
    "y",
    "r",
    "l",
    "v",
    "sh",
    "s",
    "h",
    "kh",
    "bh",
    "dh",
    "th",
    "ph",
    "gh",
    "tr",
    "pr",
    "sr",
]
_VOWELS = ["a", "a", "a", "i", "i", "u", "e", "o", "aa", "ee", "oo", "ai"]
_SUFFIXES = [
    "pur",
    "abad",
    "nagar",
    "halli",
    "palli",
    "gaon",
    "ganj",
    "wadi",
    "kot",
    "garh",
    "patti",
    "puram",
    "oor",
    "kere",
]
TAIL_WORDS = 120_000
EPOCH = datetime(2026, 11, 1, tzinfo=UTC)


def vocabulary(seed: int = 0) -> list[str]:
    """Words by rank: the domain words, then made-up place names (the rare tail)."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data)
    words, seen = list(COMMON_WORDS), set(COMMON_WORDS)
    while len(words) < len(COMMON_WORDS) + TAIL_WORDS:
        syllables = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.randint(1, 3))
        )
        name = syllables + rng.choice(_SUFFIXES)
        if name not in seen:
            seen.add(name)
            words.append(name)
    return words


class Zipf:
    """Draws items with probability proportional to 1 / (rank + 2)^s."""

    def __init__(self, items: list, s: float = 1.0):
        self.items = items
        self.cum = list(itertools.accumulate(1.0 / (r + 2) ** s for r in range(len(items))))

    def draw(self, rng: random.Random, k: int) -> list:
        return rng.choices(self.items, cum_weights=self.cum, k=k)

    def rank_share(self, rank: int) -> float:
        """The probability one draw gives the item of this rank."""
        return (self.cum[rank] - (self.cum[rank - 1] if rank else 0.0)) / self.cum[-1]


def iter_words(seed: int = 0) -> Iterator[tuple[int, str, float]]:
    """(rank, word, share of draws) of the text vocabulary, most frequent first."""
    zipf = Zipf(vocabulary(seed))
    for rank, word in enumerate(zipf.items):
        yield rank, word, zipf.rank_share(rank)
