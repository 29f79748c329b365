import { getCase } from "../../cases/cases.ts";
import type { CaseScript } from "./case-script.ts";
import { labTable } from "./lab-table.ts";

const dkaNewOnset = getCase("dka-new-onset")!;

/** Scripted texts for the new-onset type 1 diabetes with DKA case. */
export const dkaNewOnsetScript: CaseScript = {
  stages: {
    initial: {
      analysis:
        `**Maya Castellanos**, 22-year-old woman (\`MRN-SYN-100689\`), with 4 weeks of polyuria, polydipsia and 6 kg weight loss, now 24 hours of vomiting, abdominal pain and rapid deep breathing.

### First impressions
- **Kussmaul respiration** (RR 30/min) — respiratory compensation for a metabolic acidosis
- Tachycardic (122/min) with soft blood pressure (98/58 mmHg) and capillary refill 3 s: significant volume depletion
- Alert and oriented — no cerebral oedema features, but keep watching
- The osmotic symptoms and weight loss point strongly to **new-onset diabetes**

### Immediate threats
1. Hypovolaemia from osmotic diuresis and vomiting
2. Severe acidaemia
3. Potassium shifts once insulin starts — total body potassium is low even when the serum level is high
4. Precipitant: infection, pregnancy (hCG negative), or none beyond new diagnosis

### Immediate priorities
- Two large-bore IV cannulas, cardiac monitor
- 0.9% sodium chloride **1 L over the first hour**
- Venous blood gas, ketones and electrolytes every 1–2 hours
- Fixed-rate IV insulin once potassium is confirmed ≥ 3.5 mmol/L

> Working frame: **diabetic ketoacidosis**, most likely the first presentation of type 1 diabetes.
`,
      summary:
        `Maya has the classic picture of diabetes that's tipped into ketoacidosis: weeks of thirst and weight loss, now vomiting and deep, fast breathing. She's dry and tachycardic, so fluids come first, then insulin once we know her potassium is safe. She's alert, which is reassuring.`,
    },
    extraction: {
      analysis: `### Results at a glance
${labTable(dkaNewOnset)}

### DKA criteria
- Ketonaemia: \`Beta-hydroxybutyrate\` **6.8 mmol/L** (≥ 3.0)
- Acidosis: \`Venous pH\` **7.12**, \`Bicarbonate\` **8 mmol/L** (< 15)
- Hyperglycaemia: \`Glucose\` 486 mg/dL, with a known diagnosis absent

All three criteria are met. Bicarbonate < 10 and pH < 7.2 place this in the **severe** category.

### Electrolytes
- Anion gap 26 mmol/L: ketoacid accumulation
- Corrected sodium:

\`\`\`text
corrected Na = 131 + 1.6 x (486 - 100) / 100
             = 131 + 6.2
             ≈ 137 mmol/L
\`\`\`

- \`Potassium\` 5.6 mmol/L: high because of acidosis and insulin deficiency; it **will fall** with insulin
- \`Creatinine\` 1.4 mg/dL: pre-renal, expected to improve with fluids

### Supporting the diagnosis of type 1 diabetes
- \`HbA1c\` 11.2%: weeks of hyperglycaemia
- Young age, weight loss, autoimmune thyroid disease
- GAD65 and IA-2 antibodies pending
`,
      summary:
        `All three DKA criteria are there, and it's severe: pH 7.12 with a bicarbonate of 8. Her sodium corrects to about 137, so it's not as low as it looks. The potassium of 5.6 is misleading — it'll drop fast once insulin starts, so we need to replace it early.`,
    },
    diagnosis: {
      analysis: `### Leading diagnosis
**Type 1 diabetes mellitus with ketoacidosis** (\`E10.10\`), severe, new onset.

### Alternatives and contributors
1. **Ketosis-prone type 2 diabetes** (\`E11.10\`) — possible at any age; antibodies and C-peptide will clarify later, but acute management is identical
2. **Alcoholic or starvation ketoacidosis** — glucose would usually be normal or low
3. **Toxic ingestion** (methanol, ethylene glycol, salicylates) — check the osmolar gap if the anion gap fails to close with treatment
4. **Hyperosmolar hyperglycaemic state** (\`E11.00\`) — glucose and osmolality are not high enough, and ketosis is marked
5. **Surgical abdomen** — abdominal pain is common in DKA and usually settles as acidosis improves; re-examine if it persists

### Precipitants screened
- Pregnancy: \`hCG (urine)\` negative
- Infection: afebrile, no focal source — check urinalysis and chest X-ray
- Thyroid: known Hashimoto thyroiditis; check TSH, as thyroid dysfunction can worsen glycaemic control

### Autoimmune clustering
- Hashimoto thyroiditis raises the prior probability of autoimmune diabetes
- Consider screening for coeliac disease (\`tTG-IgA\`) after recovery
`,
      summary:
        `This is almost certainly new type 1 diabetes presenting in DKA — her Hashimoto's fits the autoimmune pattern. Antibodies will confirm it later, but they won't change what we do tonight. The one thing I'd keep in mind: if the abdominal pain doesn't ease as the acidosis clears, re-examine her.`,
    },
    plan: {
      analysis: `### Fluids
1. 0.9% sodium chloride 1 L over 1 hour, then 1 L over 2 hours, then 1 L over 2 hours
2. Add **10% glucose at 125 mL/h** alongside once glucose falls below 250 mg/dL
3. Reassess volume status hourly; slow down if signs of overload

### Insulin
- Fixed-rate IV insulin infusion: **0.1 units/kg/h** (≈ 5.4 units/h for 54 kg)
- No bolus dose needed
- Continue until ketones < 0.6 mmol/L **and** pH > 7.3

### Potassium replacement
| Serum K+ (mmol/L) | Potassium per litre of fluid |
| --- | --- |
| > 5.5 | none |
| 3.5–5.5 | 40 mmol |
| < 3.5 | senior review; hold insulin until replaced |

### Monitoring
- Capillary \`Glucose\` and \`Beta-hydroxybutyrate\` **hourly**
- Venous gas and \`Potassium\` at 1, 2 and 4 hours, then every 4 hours
- Target: ketones falling ≥ 0.5 mmol/L/h and bicarbonate rising ≥ 3 mmol/L/h; if not, check the infusion line and increase the insulin rate
- Neurological observations: headache, falling GCS or bradycardia suggest cerebral oedema

### Transition
- Start basal-bolus subcutaneous insulin when eating and resolved; overlap the IV infusion by 30–60 minutes
- Diabetes specialist nurse education before discharge: injections, sick-day rules, ketone testing, hypoglycaemia
`,
      summary:
        `Fluids, then a fixed-rate insulin infusion at 0.1 units per kilo, with potassium added to the bags once it's below 5.5. We'll check ketones and glucose every hour. When she's eating and the acidosis has cleared, she moves to basal-bolus insulin — and a lot of education, because this is a new diagnosis for a 22-year-old.`,
    },
  },
  chat: {
    leading: "severe diabetic ketoacidosis (`E10.10`) as the first presentation of type 1 diabetes",
    differentials: [
      "Ketosis-prone type 2 diabetes — same acute management",
      "Alcoholic or starvation ketoacidosis — glucose would be lower",
      "Toxic ingestion — check the osmolar gap if the anion gap does not close",
      "Surgical abdomen — re-examine if pain persists as acidosis resolves",
    ],
    nextSteps: [
      "0.9% sodium chloride 1 L over the first hour",
      "Fixed-rate IV insulin at 0.1 units/kg/h once potassium ≥ 3.5 mmol/L",
      "Potassium 40 mmol per litre once K+ falls to 5.5 mmol/L or below",
      "Hourly glucose and ketones, venous gas at 1, 2 and 4 hours",
    ],
    disposition:
      "Admit to a high-dependency bed for severe DKA; step down once pH > 7.3 and ketones < 0.6 mmol/L.",
    medicationNote:
      "Continue levothyroxine. Insulin is a fixed-rate infusion now; basal-bolus subcutaneous insulin starts when she eats.",
    labNote:
      "`Venous pH` 7.12 and `Bicarbonate` 8 mmol/L make it severe; the `Potassium` of 5.6 mmol/L will fall once insulin starts.",
  },
};
