import { getCase } from "../../cases/cases.ts";
import type { CaseScript } from "./case-script.ts";
import { labTable } from "./lab-table.ts";

const pneumoniaOlderAdult = getCase("pneumonia-older-adult")!;

/** Scripted texts for the community-acquired pneumonia case. */
export const pneumoniaOlderAdultScript: CaseScript = {
  stages: {
    initial: {
      analysis:
        `**Evelyn Ward**, 81-year-old woman (\`MRN-SYN-100457\`), with 3 days of productive cough (rusty sputum), fever and reduced intake, and **new confusion** since this morning.

### First impressions
- Febrile (38.9 °C), tachycardic (108/min), tachypnoeic (26/min)
- **Hypoxaemic: SpO2 89% on room air**
- Borderline blood pressure (104/62 mmHg) — relative hypotension for a patient on lisinopril
- Acute confusion on a background of mild cognitive impairment: delirium until proven otherwise

### Sepsis screen
- Meets SIRS criteria (temperature, heart rate, respiratory rate, white cell count)
- qSOFA: respiratory rate ≥ 22 and altered mentation → **2 of 3**
- \`Lactate\` 2.1 mmol/L: mildly raised, reassess after fluids

### Immediate priorities
1. Oxygen to target SpO2 92–96% (no history of CO2 retention)
2. Blood cultures (done) and sputum culture; urinary pneumococcal and *Legionella* antigens
3. Antibiotics **within 1 hour** of recognising sepsis
4. Cautious IV crystalloid bolus, reassessing for overload
5. Capillary glucose monitoring (on metformin, poor intake)

> Working frame: **severe community-acquired pneumonia with sepsis and delirium** in a frail older adult.
`,
      summary:
        `Mrs Ward looks unwell: she's febrile, breathing fast, hypoxic at 89%, and newly confused. That's sepsis from a chest source until proven otherwise. The first hour matters — oxygen, cultures, antibiotics and some careful fluid. Her penicillin allergy needs a quick look before we choose the antibiotic.`,
    },
    extraction: {
      analysis: `### Results at a glance
${labTable(pneumoniaOlderAdult)}

### What stands out
- Inflammatory markers strongly raised: \`WBC\` 16.8, \`CRP\` 182 mg/L, \`Procalcitonin\` 2.4 ng/mL — consistent with bacterial infection
- \`Urea (BUN)\` 31 mg/dL (≈ 11 mmol/L urea): counts towards CURB-65
- \`Creatinine\` 1.3 mg/dL: likely pre-renal acute kidney injury; baseline unknown
- \`Sodium\` 133 mmol/L: mild hyponatraemia, common in pneumonia
- \`Glucose\` 188 mg/dL: stress hyperglycaemia on known type 2 diabetes

### Imaging
- Chest X-ray: **right lower lobe consolidation**, no effusion

### Allergy detail
- Penicillin: *maculopapular rash in childhood* — a low-risk, non-immediate history
- Cephalosporins are acceptable with this history

### Medication issues
1. \`metformin\`: hold (AKI, raised lactate, sepsis)
2. \`lisinopril\`: hold while hypotensive and AKI
3. \`donepezil\`: continue; may worsen bradycardia, monitor
`,
      summary:
        `Her bloods back up a bacterial pneumonia — high white count, CRP and procalcitonin — and the X-ray shows right lower lobe consolidation. Her kidneys are under strain, so metformin and lisinopril should be paused. Good news on the allergy: a childhood rash with penicillin doesn't stop us using a cephalosporin.`,
    },
    diagnosis: {
      analysis: `### Leading diagnosis
**Community-acquired pneumonia, right lower lobe** (\`J18.1\`), with sepsis (\`A41.9\`) and delirium (\`F05\`).

### Severity
| Criterion | Present |
| --- | --- |
| Confusion | **yes** |
| Urea > 7 mmol/L | **yes** (≈ 11) |
| Respiratory rate ≥ 30 | no (26) |
| SBP < 90 or DBP ≤ 60 | no (104/62) |
| Age ≥ 65 | **yes** |

**CURB-65 = 3**: severe pneumonia, hospital admission, consider a higher level of care.

### Alternatives considered
1. **Aspiration pneumonia** (\`J69.0\`) — possible with cognitive impairment; ask about swallowing and choking episodes
2. **Pulmonary embolism with infarction** (\`I26.9\`) — fever and consolidation favour infection
3. **Acute heart failure** (\`I50.9\`) — no effusion, no oedema documented; check BNP if fluids worsen oxygenation
4. **Lung malignancy with post-obstructive pneumonia** — follow-up imaging at 6 weeks

### Likely organisms
- *Streptococcus pneumoniae* (most common)
- *Haemophilus influenzae*
- Atypical organisms including *Legionella* — covered empirically given severity
- *Staphylococcus aureus* — think of it after recent influenza or with cavitation; not covered routinely

> Severity, not the likely organism, decides the empirical regimen and the level of care.
`,
      summary:
        `This is a severe community-acquired pneumonia: CURB-65 of 3, with sepsis and delirium on top. Aspiration is worth keeping in mind given her cognitive impairment, so a swallow screen before she eats would be sensible. She needs admission, and I'd want the team to review whether she needs a higher level of care.`,
    },
    plan: {
      analysis: `### Antibiotics (severe CAP, non-severe penicillin allergy)
1. \`ceftriaxone\` 2 g IV once daily
2. **plus** \`clarithromycin\` 500 mg IV twice daily for atypical cover
3. Review at 48 hours with cultures; switch to oral when afebrile and improving
4. Total duration **5–7 days** if clinically stable

### Supportive care
- Oxygen to SpO2 92–96%; escalate to high-flow if work of breathing rises
- IV crystalloid 250–500 mL boluses with reassessment; strict fluid balance
- Hold \`metformin\` and \`lisinopril\`; sliding-scale or basal insulin as needed
- VTE prophylaxis: \`enoxaparin\` 40 mg SC daily (adjust to renal function)

### Delirium care
- Reorientation, glasses and hearing aids, daughter at the bedside when possible
- Avoid sedatives and anticholinergics
- Screen with 4AT every shift

### Monitoring
\`\`\`text
NEWS2 observations every 1-2 h for the first 12 h
Lactate repeat at 2 h
U&E and CRP daily
Swallow screen before oral intake
\`\`\`

### Escalation
- Critical care review if SpO2 < 92% on 40% oxygen, SBP < 90 mmHg, or rising lactate
- Discuss goals of care and resuscitation status with the patient and family early
`,
      summary:
        `Plan: ceftriaxone plus clarithromycin, oxygen to 92–96%, careful fluids, and pausing metformin and lisinopril. Delirium care matters as much as the antibiotics — her daughter's presence will help. Let's have the goals-of-care conversation early, while she can take part in it.`,
    },
  },
  chat: {
    leading: "severe community-acquired pneumonia (`J18.1`) with sepsis, CURB-65 = 3",
    differentials: [
      "Aspiration pneumonia — screen swallowing",
      "Pulmonary embolism with infarction — less likely with fever and consolidation",
      "Acute heart failure — check BNP if oxygenation worsens with fluids",
      "Post-obstructive pneumonia — repeat imaging at 6 weeks",
    ],
    nextSteps: [
      "Ceftriaxone 2 g IV daily plus clarithromycin 500 mg IV twice daily",
      "Oxygen to SpO2 92–96%",
      "Cautious fluid boluses, repeat lactate at 2 h",
      "Hold metformin and lisinopril",
    ],
    disposition:
      "Admit; CURB-65 of 3 and sepsis warrant a critical care review rather than a general ward bed by default.",
    medicationNote:
      "Her penicillin allergy is a childhood rash, so ceftriaxone is appropriate; metformin and lisinopril are held for AKI.",
    labNote:
      "`Procalcitonin` 2.4 ng/mL with `CRP` 182 mg/L points to bacterial infection; `Urea (BUN)` 31 mg/dL scores on CURB-65.",
  },
};
