import { getCase } from "../../cases/cases.ts";
import type { CaseScript } from "./case-script.ts";
import { labTable } from "./lab-table.ts";

const pediatricAsthma = getCase("pediatric-asthma")!;

/** Scripted texts for the pediatric asthma exacerbation case. */
export const pediatricAsthmaScript: CaseScript = {
  stages: {
    initial: {
      analysis:
        `**Leo Farrow**, 7-year-old boy (\`MRN-SYN-100812\`), 23 kg, known asthmatic, with increasing wheeze after 2 days of coryza. Needing salbutamol every 2 hours at home with brief relief; speaking in short phrases on arrival.

### Severity at a glance
- Tachycardic (134/min) and tachypnoeic (38/min)
- **SpO2 91% on room air**
- Subcostal and intercostal recession, reduced air entry at both bases
- PRAM score **8**: moderate, at the upper end
- Speaking in phrases, not full sentences

### Signs of a life-threatening attack (none present yet)
- Silent chest, cyanosis, poor respiratory effort
- Exhaustion, confusion, drowsiness
- SpO2 < 92% **despite** treatment
- Normal or rising \`pCO2\` in a tachypnoeic child

### Risk factors for a severe course
1. Two emergency visits and an oral steroid course in the past year
2. Irregular use of the inhaled corticosteroid
3. Second-hand smoke exposure
4. Viral trigger (rhinovirus)

### Immediate priorities
- Oxygen to SpO2 94–98%
- Salbutamol via spacer or nebuliser, back-to-back in the first hour
- Ipratropium added to the first three doses
- Oral prednisolone now
`,
      summary:
        `Leo is having a significant asthma attack: he's hypoxic at 91%, working hard, and only managing short phrases. No life-threatening signs yet, but his history — frequent attacks, patchy preventer use — means he could get worse. Oxygen, back-to-back salbutamol with ipratropium, and steroids now.`,
    },
    extraction: {
      analysis: `### Results at a glance
${labTable(pediatricAsthma)}

### Interpreting the blood gas
- \`Venous pCO2\` **41 mmHg**: a *normal* pCO2 in a child breathing at 38/min is a warning sign — he should be blowing off CO2
- \`Venous pH\` 7.36: not yet acidotic
- Trend matters more than one value: **repeat the gas in 1 hour** or sooner if he tires

### Other results
- \`Glucose (point of care)\` 131 mg/dL: stress response and recent salbutamol
- \`Respiratory PCR\`: rhinovirus — the commonest trigger of childhood exacerbations
- Temperature 37.9 °C fits the viral illness; no focal chest signs of pneumonia

### Treatment history before arrival
| Drug | Home use |
| --- | --- |
| Salbutamol | every 2 hours overnight |
| Fluticasone | irregular |

### What is not needed now
1. Routine chest X-ray — only if asymmetric signs, suspected pneumothorax or no response
2. Routine antibiotics — the trigger is viral
`,
      summary:
        `The blood gas is the thing to watch: his CO2 is 41, which sounds normal, but for a child breathing this fast it means he's starting to tire. We'll repeat it within the hour. The trigger is rhinovirus, so no antibiotics, and no X-ray unless his chest sounds change.`,
    },
    diagnosis: {
      analysis: `### Leading diagnosis
**Acute severe asthma exacerbation** (\`J45.901\`) triggered by a viral upper respiratory infection (rhinovirus).

### Alternatives considered
1. **Viral-induced wheeze** — less fitting for a 7-year-old with established atopic asthma and eczema
2. **Pneumonia** (\`J18.9\`) — low-grade fever only, symmetrical signs; X-ray if he fails to improve
3. **Inhaled foreign body** (\`T17.9\`) — no choking episode, bilateral findings
4. **Pneumothorax** (\`J93.9\`) — consider with sudden deterioration or asymmetric air entry
5. **Anaphylaxis** — no urticaria, angio-oedema or exposure

### Control before this attack
- Poorly controlled: frequent reliever use, two emergency visits, one steroid course in 12 months
- Adherence to \`fluticasone\` is the main modifiable factor
- Inhaler technique not yet checked

### Severity classification
- Moderate-to-severe by PRAM (8) and SpO2 < 92%
- **Not** life-threatening at present

> Reassess 20 minutes after each intervention: response to the first hour of bronchodilators predicts admission better than any single score.
`,
      summary:
        `This is a severe viral-triggered asthma attack in a boy whose asthma was already poorly controlled. I don't see anything pointing to pneumonia or a foreign body, but if one side of his chest starts to sound different, think pneumothorax. The first hour of treatment will tell us a lot.`,
    },
    plan: {
      analysis: `### First hour (23 kg)
1. Oxygen via face mask to SpO2 94–98%
2. \`salbutamol\` 2.5–5 mg nebulised every 20 minutes × 3 (or 10 puffs via spacer)
3. \`ipratropium bromide\` 250 micrograms with each of the first three nebulisers
4. \`prednisolone\` 2 mg/kg PO (max 40 mg) → **40 mg** once daily for 3 days

### If no response after the first hour
- IV \`magnesium sulfate\` 40 mg/kg (max 2 g) over 20 minutes
- Consider IV salbutamol under senior guidance
- Paediatric intensive care review if rising pCO2, exhaustion or SpO2 < 92% on oxygen

### Monitoring
\`\`\`text
Observations every 20 min during back-to-back bronchodilators
PRAM score before and after each round
Repeat venous gas at 1 h
Potassium if more than 6 salbutamol doses
\`\`\`

### Discharge criteria
- Stable on salbutamol **every 4 hours** or less often
- SpO2 ≥ 94% on room air
- Able to eat, drink and talk normally

### Before going home
- Check inhaler and spacer technique
- Restart \`fluticasone\` and review the step of treatment
- Written asthma action plan
- Discuss smoke-free home; GP review within 48 hours
`,
      summary:
        `Back-to-back salbutamol with ipratropium, oxygen, and 40 mg of prednisolone. If he hasn't turned the corner after an hour, IV magnesium is next and intensive care should hear about him. Before he goes home: inhaler technique, a written action plan, and an honest chat about the preventer and smoke at home.`,
    },
  },
  chat: {
    leading: "acute severe asthma exacerbation (`J45.901`) triggered by rhinovirus",
    differentials: [
      "Viral-induced wheeze — less fitting with established atopic asthma",
      "Pneumonia — X-ray only if he fails to improve",
      "Inhaled foreign body — no choking history",
      "Pneumothorax — consider with sudden deterioration",
    ],
    nextSteps: [
      "Salbutamol every 20 minutes × 3 with ipratropium",
      "Prednisolone 40 mg PO once daily for 3 days",
      "Repeat venous gas at 1 hour",
      "IV magnesium sulfate 40 mg/kg if no response after the first hour",
    ],
    disposition:
      "Likely admission: SpO2 91% and a PRAM of 8 rarely settle within the ED observation window; discharge only once stable on 4-hourly salbutamol.",
    medicationNote:
      "Prednisolone is dosed at 2 mg/kg to a maximum of 40 mg; restart fluticasone before discharge and check spacer technique.",
    labNote:
      "A `Venous pCO2` of 41 mmHg is falsely reassuring at a respiratory rate of 38 — repeat the gas within the hour.",
  },
};
