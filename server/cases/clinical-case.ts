/** The shape of a synthetic clinical case: invented patients, no real patient data. */

/** How urgently the case needs attention. */
export type Acuity = "emergent" | "urgent" | "routine";

/** The (invented) patient; MRNs start with `MRN-SYN-` so nobody mistakes them for real ones. */
export interface Patient {
  name: string;
  age: number;
  sex: "female" | "male";
  mrn: string;
}

/** What the case list shows. */
export interface CaseSummary {
  /** Matches `/^[a-z0-9-]{1,64}$/`. */
  id: string;
  title: string;
  patient: Patient;
  chiefComplaint: string;
  acuity: Acuity;
}

/** The clinical history. */
export interface CaseHistory {
  presentIllness: string;
  pastMedical: string[];
  social: string;
}

/** Vital signs at presentation. */
export interface Vitals {
  heartRate: number;
  bloodPressure: string;
  respiratoryRate: number;
  temperatureC: number;
  spo2: number;
  weightKg: number;
}

/** One laboratory or bedside result; `flag` is absent when within the reference range. */
export interface LabResult {
  name: string;
  value: string;
  unit: string;
  flag?: "high" | "low" | "critical";
}

/** A whole case. */
export interface ClinicalCase extends CaseSummary {
  history: CaseHistory;
  vitals: Vitals;
  labs: LabResult[];
  medications: string[];
  allergies: string[];
  notes: string;
}
