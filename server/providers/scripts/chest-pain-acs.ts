import { getCase } from "../../cases/cases.ts";
import type { CaseScript } from "./case-script.ts";
import { labTable } from "./lab-table.ts";

const chestPainAcs = getCase("chest-pain-acs")!;

/** Scripted texts for the suspected acute coronary syndrome case. */
export const chestPainAcsScript: CaseScript = {
  stages: {
    initial: {
      analysis:
        `**Daniel Marsh**, 58-year-old man (\`MRN-SYN-100231\`), with 2 hours of central pressure-like chest pain that began at rest, radiating to the left arm, with diaphoresis and nausea.

### First impressions
- Typical ischaemic features: pressure quality, onset at rest, arm radiation, autonomic symptoms
- Partial relief after sublingual nitroglycerin — supportive, but not diagnostic on its own
- Risk factors: hypertension, hyperlipidaemia, 30 pack-years of active smoking

### Stability
- Haemodynamically stable: HR 98/min, BP 152/94 mmHg, SpO2 96% on room air
- No signs of heart failure or shock documented
- Still symptomatic: pain 3/10 after nitroglycerin

### Red flags to exclude early
- **Aortic dissection**: tearing pain, pulse or BP difference between arms, new murmur
- **Pulmonary embolism**: pleuritic pain, hypoxaemia, unilateral leg swelling
- **Tension pneumothorax**: unilateral absent breath sounds

### Immediate priorities
1. Continuous cardiac monitoring with defibrillator access
2. Repeat 12-lead ECG every 15–30 minutes while pain persists
3. Serial \`hs-Troponin T\` on the 0/2 h pathway (both samples now available)
4. Aspirin loading dose unless contraindicated

> Working frame: **suspected NSTE-ACS** until proven otherwise. STEMI criteria are not met on the current ECG.
`,
      summary:
        `Mr Marsh's story is a classic one for an acute coronary syndrome: pressure-like pain at rest with sweating, in a smoker with hypertension. He's stable right now, but the pain hasn't fully settled. I'd keep him on a monitor, repeat the ECG, and treat this as a possible NSTE-ACS while we work through the troponins.`,
    },
    extraction: {
      analysis: `### Results at a glance
${labTable(chestPainAcs)}

### What stands out
- \`hs-Troponin T\` rose from **48 to 112 ng/L** over 2 hours: a delta of 64 ng/L, far above the rule-in threshold of the 0/2 h algorithm
- ECG: **1 mm horizontal ST depression in V4–V6**, unchanged at 30 minutes, no ST elevation
- \`LDL cholesterol\` 164 mg/dL on atorvastatin 20 mg: undertreated for his risk
- Stress hyperglycaemia (\`Glucose\` 142 mg/dL); an HbA1c would help to screen for diabetes

### Reassuring findings
- Normal renal function (\`Creatinine\` 1.0 mg/dL): contrast and anticoagulant dosing are straightforward
- \`Haemoglobin\` 14.2 g/dL and \`Platelets\` 238: no anaemia, no contraindication to antiplatelet therapy
- Normal potassium

### Missing data
1. Bilateral arm blood pressures
2. Chest X-ray
3. Bedside echocardiogram for regional wall motion and ejection fraction
`,
      summary:
        `The troponin is clearly rising — 48 to 112 in two hours — and there's lateral ST depression on the ECG. Put together with his symptoms, that's a myocardial infarction without ST elevation. Kidneys and blood count are fine, which keeps our treatment options open.`,
    },
    diagnosis: {
      analysis: `### Leading diagnosis
**Non-ST-elevation myocardial infarction** (\`I21.4\`): ischaemic symptoms, a rising and falling pattern of \`hs-Troponin T\` above the 99th percentile, and dynamic-appearing ST depression in V4–V6.

### Alternatives considered
1. **Unstable angina** (\`I20.0\`) — excluded by the troponin rise
2. **Acute aortic dissection** (\`I71.0\`) — less likely without tearing pain or pulse deficit; confirm arm BPs before anticoagulation
3. **Pulmonary embolism** (\`I26.9\`) — SpO2 96%, no pleuritic pain; low pre-test probability
4. **Myopericarditis** (\`I40.9\`) — no diffuse ST elevation or PR depression, no viral prodrome
5. **Type 2 myocardial injury** — no tachyarrhythmia, anaemia or hypotension to explain supply–demand mismatch

### Risk stratification
| Score | Value | Meaning |
| --- | --- | --- |
| GRACE | ~128 | intermediate risk |
| HEART | 8 | high risk |

The GRACE estimate supports an **early invasive strategy within 24 hours**. Immediate angiography (< 2 h) would be warranted only for refractory pain, haemodynamic instability, arrhythmia or acute heart failure.

### Diagnostic confidence
- NSTEMI: **high**
- Dissection: low, but must be actively excluded before anticoagulation
`,
      summary:
        `This is an NSTEMI until something says otherwise. Dissection is the one alternative I'd still want to actively rule out — check both arm pressures before we anticoagulate. His GRACE score puts him in the group that benefits from angiography within 24 hours.`,
    },
    plan: {
      analysis: `### Antithrombotic therapy
1. **Aspirin** 300 mg loading, then 75–100 mg daily
2. P2Y12 inhibitor per the cath lab's preference (e.g. \`ticagrelor\` 180 mg loading) — discuss timing with cardiology
3. Parenteral anticoagulation: \`fondaparinux\` 2.5 mg SC daily, or unfractionated heparin if angiography is imminent

### Anti-ischaemic therapy
- Nitroglycerin sublingual or IV for ongoing pain; avoid if a PDE5 inhibitor was taken recently
- Oral beta-blocker (\`metoprolol\`) once heart failure and bradycardia are excluded
- High-intensity statin: switch to \`atorvastatin\` 80 mg tonight

### Invasive strategy
- Coronary angiography **within 24 hours** (early invasive strategy)
- Echocardiogram before discharge for left ventricular function

### Orders
\`\`\`text
Admit: coronary care unit, continuous telemetry
Aspirin 300 mg PO once, then 75 mg PO daily
Fondaparinux 2.5 mg SC daily
Atorvastatin 80 mg PO nightly
hs-Troponin T at 6 h; lipid panel; HbA1c
Repeat ECG with any recurrent pain
\`\`\`

### Secondary prevention
- Smoking cessation counselling and nicotine replacement during admission
- Cardiac rehabilitation referral
- Blood pressure target < 130/80 mmHg
`,
      summary:
        `Plan: aspirin and a second antiplatelet agent once cardiology agrees, fondaparinux, high-dose atorvastatin, and angiography within 24 hours. He goes to the CCU on telemetry. Before he leaves, we'll get an echo and start him on the path to quitting smoking — that's the single biggest change he can make.`,
    },
  },
  chat: {
    leading: "non-ST-elevation myocardial infarction (`I21.4`)",
    differentials: [
      "Unstable angina — excluded by the troponin rise",
      "Aortic dissection — check bilateral arm blood pressures",
      "Pulmonary embolism — low pre-test probability",
      "Myopericarditis — no diffuse ST elevation",
    ],
    nextSteps: [
      "Aspirin 300 mg loading, then a P2Y12 inhibitor per cardiology",
      "Fondaparinux 2.5 mg SC daily",
      "Atorvastatin 80 mg nightly",
      "Coronary angiography within 24 hours",
    ],
    disposition:
      "Admit to the coronary care unit on telemetry; he is not a candidate for discharge with a rising troponin.",
    medicationNote:
      "Increase atorvastatin to 80 mg; amlodipine can continue, and a beta-blocker is added once heart failure is excluded.",
    labNote: "The delta between the 0 h and 2 h `hs-Troponin T` (64 ng/L) is what rules him in.",
  },
};
