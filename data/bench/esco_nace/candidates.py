"""Step 1 of the selection: list candidate ESCO occupations per sector.

Deterministic: a fixed keyword regex per sector is matched against the ESCO
preferred label (see esco_parse.py); managers, engineers, scientists and other
mostly tertiary-level titles are dropped by EXCLUDE.  The final ~150 were then
chosen by hand from this list (see README.md).  Run:  python3 candidates.py > candidates.txt
"""

import re

from esco_parse import load

SECTORS = {
    "hospitality": r"\b(cook|chef|waiter|waitress|bartender|barista|sommelier|receptionist|housekeep|kitchen|hotel|room attendant|catering)",
    "food": r"\b(baker|butcher|pastry|confection|cheese|dairy|brew|miller|meat|fish trimmer|food|winemaker|distill)",
    "health_care": r"\b(nurs|care assistant|healthcare assistant|paramedic|ambulance|care worker|caregiver|midwife|physiotherap|optician|hearing|orthop|radiograph|sterile|pharmac)",
    "childcare": r"\b(child ?care|nanny|early years|kindergarten|playgroup|au pair)",
    "beauty": r"\b(hairdress|barber|beauti|make-up|nail|cosmetolog|massage|manicur|tattoo|wig)",
    "automotive": r"\b(vehicle|automotive|car |tyre|motorcycle|mechanic|body repair|coach ?builder|diesel)",
    "electrical": r"\b(electrician|electrical|electronic|electromechan|mechatronic|alarm|telecom|photovoltaic|solar|wind turbine|lift)",
    "construction": r"\b(bricklayer|carpenter|plumber|plasterer|painter|tiler|roofer|glazier|scaffold|concrete|mason|floor|insulation|construction|heating|ventilation|refrigeration|road|demolition|dry ?wall|paperhanger|building)",
    "metal": r"\b(welder|metal|sheet|machinist|CNC|lathe|tool ?maker|locksmith|blacksmith|forge|foundry|fitter|boilermaker|pipe)",
    "wood": r"\b(joiner|cabinet|wood|furniture|upholster|sawmill|cooper|boat ?builder)",
    "textiles": r"\b(tailor|dressmaker|sewing|seamstress|textile|garment|shoemaker|footwear|leather|knit|weav|dyer|cloth)",
    "agriculture": r"\b(farm|agricultur|livestock|dairy|cattle|pig|poultry|shepherd|beekeep|vineyard|crop|horse|groom|tractor)",
    "horticulture": r"\b(gardener|horticultur|florist|nursery|landscap|greenhouse|tree surgeon|arborist|green ?keeper)",
    "forestry": r"\b(forest|logger|tree feller|timber)",
    "fishing_aquaculture": r"\b(fisher|fishing|aquaculture|fish farm|deckhand)",
    "logistics": r"\b(warehouse|logistic|forklift|stock|supply chain|freight|shipping|dispatcher|picker|packer|postal|courier)",
    "transport": r"\b(driver|pilot|railway|train|tram|conductor|flight|cabin crew|ship|deck|marine|air traffic)",
    "retail_sales": r"\b(shop|sales|cashier|retail|merchandis|salesperson|specialised seller)",
    "office_admin": r"\b(secretar|clerk|office|administrative|receptionist|bookkeep|accounting|payroll|call centre|contact centre)",
    "finance": r"\b(bank|insurance|teller|loan|financ|tax|credit)",
    "it": r"\b(ICT|software|web|network|database|computer|programmer|developer|system administrator)",
    "media_printing": r"\b(print|prepress|bookbind|graphic|photograph|camera|sound|video|desktop publish|journalist|broadcast)",
    "chemistry_process": r"\b(chemical|laborator|process operator|plastic|rubber|pharmaceutical|glass|paper|refinery|ceramic)",
    "energy_utilities": r"\b(power plant|energy|water treatment|waste|gas|nuclear|boiler|wastewater|recycl|sewer)",
    "security": r"\b(security|guard|fire ?fighter|police|bodyguard|prison)",
    "cleaning": r"\b(clean|janitor|caretaker|launder|dry-clean|window cleaner|chimney)",
    "tourism": r"\b(tour|travel|guide|animator|camp|hostel)",
    "sports": r"\b(sport|fitness|coach|instructor|lifeguard|ski|outdoor|swimming|personal trainer)",
    "arts_crafts": r"\b(goldsmith|jewel|potter|ceramic|glass|musical instrument|engrav|sign|decorat|florist|taxiderm|restor|props|costume|set )",
    "labs_pharmacy_vet_dental": r"\b(laboratory|pharmacy|veterinar|dental|dentist|animal|medical)",
    "teaching_training": r"\b(vocational|teacher|trainer|instructor|tutor|assessor)",
    "inspection": r"\b(inspector|auditor|assessor|surveyor|quality)",
    "technical_sales": r"\b(sales representative|sales engineer|technical sales|specialised seller)",
}
EXCLUDE = r"\b(manager|director|engineer|scientist|professor|lecturer|researcher|economist|architect|head of|chief|officer of|policy|university|higher education)\b"


def main():
    rows = [r for r in load() if "/occupation/" in r["id"]]
    ex = re.compile(EXCLUDE, re.I)
    for sector, pat in SECTORS.items():
        p = re.compile(pat, re.I if sector not in ("it",) else re.I)
        hits = sorted({r["pref"] for r in rows if p.search(r["pref"]) and not ex.search(r["pref"])})
        print(f"## {sector} ({len(hits)})")
        print("  " + " | ".join(hits))


if __name__ == "__main__":
    main()
