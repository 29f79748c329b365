import { getCase } from "../../cases/cases.ts";
import type { CaseScript } from "./case-script.ts";
import { labTable } from "./lab-table.ts";

const akiNsaids = getCase("aki-nsaids")!;

/** Scripted texts for the acute kidney injury on NSAIDs case. */
export const akiNsaidsScript: CaseScript = {
  stages: {
    initial: {
      analysis:
        `**Gloria Pennington**, 67-year-old woman (\`MRN-SYN-100974\`), with 4 days of fatigue, nausea and reduced urine output after **10 days of ibuprofen 800 mg three times daily** for knee osteoarthritis.

### First impressions
- Haemodynamically stable: HR 88/min, BP 138/82 mmHg, afebrile
- Euvolaemic to mildly dry; recent diarrhoea may have added volume loss
- Bladder scan 60 mL after voiding: **no retention**
- Takes \`lisinopril\` and \`hydrochlorothiazide\` — with the NSAID, the classic **"triple whammy"** combination

### Why this combination injures the kidney
- NSAIDs block prostaglandin-mediated dilation of the afferent arteriole
- ACE inhibitors remove angiotensin II constriction of the efferent arteriole
- Diuretics reduce circulating volume
- Together, glomerular filtration pressure collapses

### Immediate priorities
1. **Stop ibuprofen, lisinopril and hydrochlorothiazide** today
2. Check potassium urgently and repeat the ECG (\`Potassium\` 5.9 mmol/L)
3. Assess volume status carefully and give fluids if dry
4. Strict input/output chart, daily weights
5. Review every medicine for renal dosing

> Working frame: **acute kidney injury, KDIGO stage 3**, most likely haemodynamic from NSAID + ACE inhibitor + diuretic.
`,
      summary:
        `Mrs Pennington's kidneys have taken a hit from a very common combination: ibuprofen on top of lisinopril and a water tablet. She's stable, and her bladder is emptying, so this isn't obstruction. The first step is simple but important — stop all three — and then deal with her potassium.`,
    },
    extraction: {
      analysis: `### Results at a glance
${labTable(akiNsaids)}

### Staging the injury
- \`Creatinine\` 3.1 mg/dL against a baseline of 0.9 mg/dL: a **3.4-fold** rise
- KDIGO stage 3 (≥ 3.0 × baseline)
- \`eGFR\` 15 mL/min/1.73m² — an unreliable number while creatinine is changing

### Electrolytes and acid–base
- \`Potassium\` **5.9 mmol/L**: moderate hyperkalaemia, no ECG changes
- \`Bicarbonate\` 19 mmol/L: mild metabolic acidosis
- \`Sodium\` normal

### Localising the injury
| Finding | Points towards |
| --- | --- |
| \`Fractional excretion of sodium\` 0.8% | pre-renal / haemodynamic |
| Bland urinalysis, no casts | against acute tubular necrosis |
| No blood, trace protein | against glomerulonephritis |
| Bladder scan 60 mL | against obstruction |

*Caveat:* FENa is less reliable on a thiazide diuretic; fractional excretion of urea helps if in doubt.

### Still needed
1. Renal ultrasound (requested)
2. Urine eosinophils are not useful; watch for rash, fever or eosinophilia suggesting **acute interstitial nephritis**
`,
      summary:
        `Her creatinine has more than tripled from baseline, so this is stage 3 AKI. The urine looks bland and the sodium excretion is low, which fits a haemodynamic cause rather than structural damage. The potassium of 5.9 is the most pressing number — no ECG changes, but it needs treating today.`,
    },
    diagnosis: {
      analysis: `### Leading diagnosis
**Acute kidney injury, haemodynamic, NSAID-associated** (\`N17.9\`, with \`T39.395A\` for the adverse effect of NSAIDs), KDIGO stage 3, on CKD stage 2.

### Alternatives considered
1. **Acute interstitial nephritis** (\`N10\`) — NSAIDs are a recognised cause; look for rash, fever, eosinophilia, sterile pyuria; may present weeks after starting
2. **Acute tubular necrosis** (\`N17.0\`) — prolonged pre-renal injury can progress; muddy brown casts would suggest it
3. **Volume depletion alone** — diarrhoea last week; likely a contributor, not the whole story
4. **Obstruction** (\`N13.9\`) — small post-void residual; ultrasound will confirm
5. **Papillary necrosis** — rare, with heavy long-term NSAID use; haematuria and flank pain

### Contributing factors
- Age over 65 and pre-existing CKD reduce renal reserve
- ACE inhibitor and thiazide diuretic (the "triple whammy")
- Possible volume loss from diarrhoea

### Expected course
- Haemodynamic AKI usually improves within **3–7 days** of stopping the culprit drugs
- Failure to improve within a week should prompt nephrology review and consideration of biopsy for interstitial nephritis
`,
      summary:
        `Most likely this is haemodynamic kidney injury from the NSAID combination, and it should start improving within days of stopping the drugs. The thing not to miss is interstitial nephritis — if she develops a rash or fever, or her creatinine isn't falling within a week, nephrology should see her.`,
    },
    plan: {
      analysis: `### Stop and avoid
1. Stop **ibuprofen**, **lisinopril** and **hydrochlorothiazide**
2. Add an alert to the record: *avoid NSAIDs*
3. Avoid other nephrotoxins: IV contrast, aminoglycosides

### Hyperkalaemia (5.9 mmol/L, no ECG changes)
- Low-potassium diet
- \`sodium zirconium cyclosilicate\` 10 g PO three times daily for up to 48 hours, or a local equivalent
- Insulin–glucose only if potassium reaches ≥ 6.5 mmol/L or ECG changes appear
- Repeat potassium in 4–6 hours

### Fluids and monitoring
\`\`\`text
IV 0.9% sodium chloride 1 L over 4 h if clinically dry, then reassess
Strict input/output, daily weight
U&E daily until creatinine falls towards baseline
Urine output target > 0.5 mL/kg/h (about 37 mL/h)
\`\`\`

### Pain control for knee osteoarthritis
- Regular \`paracetamol\` 1 g four times daily
- Topical NSAID only after recovery and with caution
- Physiotherapy referral; intra-articular steroid injection as an option

### Blood pressure
- Hold antihypertensives while recovering; restart \`amlodipine\` if BP > 160/100 mmHg
- Reintroduce the ACE inhibitor only when creatinine is back to baseline, rechecking U&E within 1–2 weeks

### Follow-up
- Renal function at 1 week and 3 months after discharge
`,
      summary:
        `Stop the three culprit drugs, treat the potassium with a binder, give fluids only if she's dry, and check her bloods daily. For her knees, paracetamol and physiotherapy instead of ibuprofen. She should leave with a clear message to avoid over-the-counter anti-inflammatories from now on.`,
    },
  },
  chat: {
    leading:
      "KDIGO stage 3 acute kidney injury (`N17.9`), haemodynamic from NSAID + ACE inhibitor + diuretic",
    differentials: [
      "Acute interstitial nephritis — watch for rash, fever, eosinophilia",
      "Acute tubular necrosis — look for muddy brown casts",
      "Volume depletion after diarrhoea — a contributor",
      "Obstruction — small post-void residual, ultrasound pending",
    ],
    nextSteps: [
      "Stop ibuprofen, lisinopril and hydrochlorothiazide",
      "Treat potassium 5.9 mmol/L with a binder; repeat in 4–6 hours",
      "IV fluids only if clinically dry",
      "Daily U&E until creatinine falls towards 0.9 mg/dL",
    ],
    disposition:
      "Admit for monitoring: stage 3 AKI with hyperkalaemia needs daily bloods and fluid balance until creatinine is clearly falling.",
    medicationNote:
      "Stop ibuprofen, lisinopril and hydrochlorothiazide; use paracetamol for pain. Note the sulfonamide antibiotic allergy (hives).",
    labNote:
      "`Creatinine` 3.1 mg/dL is 3.4 × her baseline; a `Fractional excretion of sodium` of 0.8% favours a haemodynamic cause.",
  },
};
