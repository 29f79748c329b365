import type { ClinicalCase } from "../clinical-case.ts";

/** Synthetic case: community-acquired pneumonia in an older adult. */
export const pneumoniaOlderAdult: ClinicalCase = {
  id: "pneumonia-older-adult",
  title: "Community-acquired pneumonia in an older adult",
  patient: { name: "Evelyn Ward", age: 81, sex: "female", mrn: "MRN-SYN-100457" },
  chiefComplaint: "Productive cough, fever and new confusion for 3 days",
  acuity: "urgent",
  history: {
    presentIllness:
      "Three days of cough with rusty sputum, fevers and reduced oral intake. Her daughter reports new confusion since this morning. No recent hospital admission or antibiotics in the past 90 days.",
    pastMedical: ["Type 2 diabetes", "Hypertension", "Mild cognitive impairment"],
    social: "Lives alone with daily visits from her daughter. Never smoker. Walks with a cane.",
  },
  vitals: {
    heartRate: 108,
    bloodPressure: "104/62",
    respiratoryRate: 26,
    temperatureC: 38.9,
    spo2: 89,
    weightKg: 61,
  },
  labs: [
    { name: "WBC", value: "16.8", unit: "10^9/L", flag: "high" },
    { name: "CRP", value: "182", unit: "mg/L", flag: "high" },
    { name: "Procalcitonin", value: "2.4", unit: "ng/mL", flag: "high" },
    { name: "Urea (BUN)", value: "31", unit: "mg/dL", flag: "high" },
    { name: "Creatinine", value: "1.3", unit: "mg/dL", flag: "high" },
    { name: "Sodium", value: "133", unit: "mmol/L", flag: "low" },
    { name: "Lactate", value: "2.1", unit: "mmol/L", flag: "high" },
    { name: "Glucose", value: "188", unit: "mg/dL", flag: "high" },
  ],
  medications: [
    "Metformin 500 mg PO twice daily",
    "Lisinopril 10 mg PO daily",
    "Donepezil 5 mg PO nightly",
  ],
  allergies: ["Penicillin (maculopapular rash in childhood)"],
  notes:
    "Chest X-ray: right lower lobe consolidation, no effusion. Oriented to person only (baseline: fully oriented). Blood cultures drawn before antibiotics.",
};
