import type { ClinicalCase } from "../clinical-case.ts";

/** Synthetic case: new-onset type 1 diabetes presenting in diabetic ketoacidosis. */
export const dkaNewOnset: ClinicalCase = {
  id: "dka-new-onset",
  title: "New-onset type 1 diabetes with diabetic ketoacidosis",
  patient: { name: "Maya Castellanos", age: 22, sex: "female", mrn: "MRN-SYN-100689" },
  chiefComplaint: "Vomiting, abdominal pain and rapid breathing",
  acuity: "emergent",
  history: {
    presentIllness:
      "Four weeks of polyuria, polydipsia and 6 kg unintentional weight loss; 24 hours of vomiting, diffuse abdominal pain and breathlessness. No known diabetes. Last menstrual period 2 weeks ago.",
    pastMedical: ["Hashimoto thyroiditis"],
    social: "University student, lives with flatmates. No alcohol or drug use reported.",
  },
  vitals: {
    heartRate: 122,
    bloodPressure: "98/58",
    respiratoryRate: 30,
    temperatureC: 37.2,
    spo2: 99,
    weightKg: 54,
  },
  labs: [
    { name: "Glucose", value: "486", unit: "mg/dL", flag: "critical" },
    { name: "Venous pH", value: "7.12", unit: "", flag: "critical" },
    { name: "Bicarbonate", value: "8", unit: "mmol/L", flag: "critical" },
    { name: "Anion gap", value: "26", unit: "mmol/L", flag: "high" },
    { name: "Beta-hydroxybutyrate", value: "6.8", unit: "mmol/L", flag: "high" },
    { name: "Potassium", value: "5.6", unit: "mmol/L", flag: "high" },
    { name: "Sodium", value: "131", unit: "mmol/L", flag: "low" },
    { name: "Creatinine", value: "1.4", unit: "mg/dL", flag: "high" },
    { name: "HbA1c", value: "11.2", unit: "%", flag: "high" },
    { name: "hCG (urine)", value: "negative", unit: "" },
  ],
  medications: ["Levothyroxine 50 mcg PO daily"],
  allergies: ["No known drug allergies"],
  notes:
    "Kussmaul breathing, dry mucous membranes, capillary refill 3 s. Alert and oriented. GAD65 and IA-2 antibodies sent.",
};
