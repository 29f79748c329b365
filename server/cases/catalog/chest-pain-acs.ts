import type { ClinicalCase } from "../clinical-case.ts";

/** Synthetic case: chest pain with a rising troponin. */
export const chestPainAcs: ClinicalCase = {
  id: "chest-pain-acs",
  title: "Chest pain, suspected acute coronary syndrome",
  patient: { name: "Daniel Marsh", age: 58, sex: "male", mrn: "MRN-SYN-100231" },
  chiefComplaint: "Pressure-like chest pain for 2 hours with sweating",
  acuity: "emergent",
  history: {
    presentIllness:
      "Central pressure-like chest pain that began at rest 2 hours before arrival, radiating to the left arm, with diaphoresis and nausea. Partial relief after one sublingual nitroglycerin given by the ambulance crew. No prior similar episodes.",
    pastMedical: ["Hypertension", "Hyperlipidaemia", "Current smoker, 30 pack-years"],
    social: "Works as a warehouse supervisor. Smokes 20 cigarettes a day. Drinks alcohol socially.",
  },
  vitals: {
    heartRate: 98,
    bloodPressure: "152/94",
    respiratoryRate: 20,
    temperatureC: 36.8,
    spo2: 96,
    weightKg: 92,
  },
  labs: [
    { name: "hs-Troponin T (0 h)", value: "48", unit: "ng/L", flag: "high" },
    { name: "hs-Troponin T (2 h)", value: "112", unit: "ng/L", flag: "critical" },
    { name: "Creatinine", value: "1.0", unit: "mg/dL" },
    { name: "Potassium", value: "4.1", unit: "mmol/L" },
    { name: "Glucose", value: "142", unit: "mg/dL", flag: "high" },
    { name: "LDL cholesterol", value: "164", unit: "mg/dL", flag: "high" },
    { name: "Haemoglobin", value: "14.2", unit: "g/dL" },
    { name: "Platelets", value: "238", unit: "10^9/L" },
  ],
  medications: ["Amlodipine 5 mg PO daily", "Atorvastatin 20 mg PO nightly"],
  allergies: ["No known drug allergies"],
  notes:
    "ECG on arrival: sinus rhythm 96/min, 1 mm horizontal ST depression in V4–V6, no ST elevation. Repeat ECG at 30 min unchanged. Pain 3/10 after nitroglycerin.",
};
