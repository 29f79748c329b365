import type { ClinicalCase } from "../clinical-case.ts";

/** Synthetic case: moderate-to-severe asthma exacerbation in a child. */
export const pediatricAsthma: ClinicalCase = {
  id: "pediatric-asthma",
  title: "Pediatric asthma exacerbation",
  patient: { name: "Leo Farrow", age: 7, sex: "male", mrn: "MRN-SYN-100812" },
  chiefComplaint: "Wheeze and difficulty breathing after a cold",
  acuity: "urgent",
  history: {
    presentIllness:
      "Two days of coryza, then increasing wheeze and cough overnight. Needed salbutamol every 2 hours at home with brief relief. Speaking in short phrases on arrival.",
    pastMedical: [
      "Asthma since age 3; two emergency visits and one oral steroid course in the past year",
      "Eczema",
    ],
    social:
      "Lives with parents and a younger sister; a parent smokes outdoors. Controller inhaler use is irregular.",
  },
  vitals: {
    heartRate: 134,
    bloodPressure: "102/64",
    respiratoryRate: 38,
    temperatureC: 37.9,
    spo2: 91,
    weightKg: 23,
  },
  labs: [
    { name: "Venous pH", value: "7.36", unit: "" },
    { name: "Venous pCO2", value: "41", unit: "mmHg" },
    { name: "Glucose (point of care)", value: "131", unit: "mg/dL", flag: "high" },
    { name: "Respiratory PCR", value: "rhinovirus detected", unit: "" },
  ],
  medications: [
    "Fluticasone 50 mcg inhaler, 2 puffs twice daily (irregular use)",
    "Salbutamol 100 mcg inhaler with spacer, as needed",
  ],
  allergies: ["No known drug allergies"],
  notes:
    "PRAM score 8 (moderate). Subcostal and intercostal recession, widespread expiratory wheeze, reduced air entry at both bases. No stridor.",
};
