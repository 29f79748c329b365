import type { ClinicalCase } from "../clinical-case.ts";

/** Synthetic case: acute kidney injury after regular NSAID use on an ACE inhibitor and diuretic. */
export const akiNsaids: ClinicalCase = {
  id: "aki-nsaids",
  title: "Acute kidney injury on NSAIDs",
  patient: { name: "Gloria Pennington", age: 67, sex: "female", mrn: "MRN-SYN-100974" },
  chiefComplaint: "Fatigue and passing less urine for 4 days",
  acuity: "urgent",
  history: {
    presentIllness:
      "Ten days of ibuprofen 800 mg three times daily for a flare of knee osteoarthritis, bought over the counter. Four days of fatigue, nausea and reduced urine output. Mild diarrhoea last week.",
    pastMedical: [
      "Hypertension",
      "Knee osteoarthritis",
      "CKD stage 2 (baseline creatinine 0.9 mg/dL)",
    ],
    social: "Retired teacher, lives with her husband. Independent in daily activities.",
  },
  vitals: {
    heartRate: 88,
    bloodPressure: "138/82",
    respiratoryRate: 16,
    temperatureC: 36.7,
    spo2: 97,
    weightKg: 74,
  },
  labs: [
    { name: "Creatinine", value: "3.1", unit: "mg/dL", flag: "critical" },
    { name: "Urea (BUN)", value: "58", unit: "mg/dL", flag: "high" },
    { name: "Potassium", value: "5.9", unit: "mmol/L", flag: "high" },
    { name: "Bicarbonate", value: "19", unit: "mmol/L", flag: "low" },
    { name: "Sodium", value: "136", unit: "mmol/L" },
    { name: "eGFR", value: "15", unit: "mL/min/1.73m²", flag: "low" },
    { name: "Urinalysis", value: "trace protein, no blood, no casts", unit: "" },
    { name: "Fractional excretion of sodium", value: "0.8", unit: "%" },
  ],
  medications: [
    "Lisinopril 20 mg PO daily",
    "Hydrochlorothiazide 25 mg PO daily",
    "Ibuprofen 800 mg PO three times daily (over the counter, 10 days)",
  ],
  allergies: ["Sulfonamide antibiotics (hives)"],
  notes:
    "Euvolaemic to mildly dry on examination. Bladder scan 60 mL after voiding. ECG: peaked T waves absent, normal intervals. Renal ultrasound requested.",
};
