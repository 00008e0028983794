/**
 * FOCUS 1.2's columns as facts: name, feature level, whether nulls are allowed and the
 * data type, from the Content Constraints table of each column of the FinOps Foundation
 * specification, tag v1.2 (commit 7296e3146fb931ee32b6496fa6e4200e7f4384f7):
 * https://github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec/tree/v1.2/specification/columns
 * Allowed values are listed for the enumerated columns the export fills.
 */
export interface FocusSpecColumn {
  name: string;
  level: "Mandatory" | "Conditional" | "Recommended" | "Optional";
  nullable: boolean;
  type: "String" | "Decimal" | "Date/Time" | "JSON";
}

export const FOCUS_1_2_COLUMNS: ReadonlyArray<FocusSpecColumn> = [
  { name: "AvailabilityZone", level: "Recommended", nullable: true, type: "String" },
  { name: "BilledCost", level: "Mandatory", nullable: false, type: "Decimal" },
  { name: "BillingAccountId", level: "Mandatory", nullable: false, type: "String" },
  { name: "BillingAccountName", level: "Mandatory", nullable: true, type: "String" },
  { name: "BillingAccountType", level: "Conditional", nullable: false, type: "String" },
  { name: "BillingCurrency", level: "Mandatory", nullable: false, type: "String" },
  { name: "BillingPeriodEnd", level: "Mandatory", nullable: false, type: "Date/Time" },
  { name: "BillingPeriodStart", level: "Mandatory", nullable: false, type: "Date/Time" },
  { name: "CapacityReservationId", level: "Conditional", nullable: true, type: "String" },
  { name: "CapacityReservationStatus", level: "Conditional", nullable: true, type: "String" },
  { name: "ChargeCategory", level: "Mandatory", nullable: false, type: "String" },
  { name: "ChargeClass", level: "Mandatory", nullable: true, type: "String" },
  { name: "ChargeDescription", level: "Mandatory", nullable: true, type: "String" },
  { name: "ChargeFrequency", level: "Recommended", nullable: false, type: "String" },
  { name: "ChargePeriodEnd", level: "Mandatory", nullable: false, type: "Date/Time" },
  { name: "ChargePeriodStart", level: "Mandatory", nullable: false, type: "Date/Time" },
  { name: "CommitmentDiscountCategory", level: "Conditional", nullable: true, type: "String" },
  { name: "CommitmentDiscountId", level: "Conditional", nullable: true, type: "String" },
  { name: "CommitmentDiscountName", level: "Conditional", nullable: true, type: "String" },
  { name: "CommitmentDiscountQuantity", level: "Conditional", nullable: true, type: "Decimal" },
  { name: "CommitmentDiscountStatus", level: "Conditional", nullable: true, type: "String" },
  { name: "CommitmentDiscountType", level: "Conditional", nullable: true, type: "String" },
  { name: "CommitmentDiscountUnit", level: "Conditional", nullable: true, type: "String" },
  { name: "ConsumedQuantity", level: "Conditional", nullable: true, type: "Decimal" },
  { name: "ConsumedUnit", level: "Conditional", nullable: true, type: "String" },
  { name: "ContractedCost", level: "Mandatory", nullable: false, type: "Decimal" },
  { name: "ContractedUnitPrice", level: "Conditional", nullable: true, type: "Decimal" },
  { name: "EffectiveCost", level: "Mandatory", nullable: false, type: "Decimal" },
  { name: "InvoiceId", level: "Recommended", nullable: true, type: "String" },
  { name: "InvoiceIssuerName", level: "Mandatory", nullable: false, type: "String" },
  { name: "ListCost", level: "Mandatory", nullable: false, type: "Decimal" },
  { name: "ListUnitPrice", level: "Conditional", nullable: true, type: "Decimal" },
  { name: "PricingCategory", level: "Conditional", nullable: true, type: "String" },
  { name: "PricingCurrency", level: "Conditional", nullable: true, type: "String" },
  { name: "PricingCurrencyContractedUnitPrice", level: "Conditional", nullable: true, type: "Decimal" },
  { name: "PricingCurrencyEffectiveCost", level: "Conditional", nullable: true, type: "Decimal" },
  { name: "PricingCurrencyListUnitPrice", level: "Conditional", nullable: true, type: "Decimal" },
  { name: "PricingQuantity", level: "Mandatory", nullable: true, type: "Decimal" },
  { name: "PricingUnit", level: "Mandatory", nullable: true, type: "String" },
  { name: "ProviderName", level: "Mandatory", nullable: false, type: "String" },
  { name: "PublisherName", level: "Mandatory", nullable: false, type: "String" },
  { name: "RegionId", level: "Conditional", nullable: true, type: "String" },
  { name: "RegionName", level: "Conditional", nullable: true, type: "String" },
  { name: "ResourceId", level: "Conditional", nullable: true, type: "String" },
  { name: "ResourceName", level: "Conditional", nullable: true, type: "String" },
  { name: "ResourceType", level: "Conditional", nullable: true, type: "String" },
  { name: "ServiceCategory", level: "Mandatory", nullable: false, type: "String" },
  { name: "ServiceName", level: "Mandatory", nullable: false, type: "String" },
  { name: "ServiceSubcategory", level: "Recommended", nullable: false, type: "String" },
  { name: "SkuId", level: "Conditional", nullable: true, type: "String" },
  { name: "SkuMeter", level: "Conditional", nullable: true, type: "String" },
  { name: "SkuPriceDetails", level: "Conditional", nullable: true, type: "JSON" },
  { name: "SkuPriceId", level: "Conditional", nullable: true, type: "String" },
  { name: "SubAccountId", level: "Conditional", nullable: true, type: "String" },
  { name: "SubAccountName", level: "Conditional", nullable: true, type: "String" },
  { name: "SubAccountType", level: "Conditional", nullable: true, type: "String" },
  { name: "Tags", level: "Conditional", nullable: true, type: "JSON" },
];

/** Allowed values of the enumerated columns the export fills (each column's "Allowed values" table at v1.2). */
export const FOCUS_1_2_ALLOWED: Record<string, readonly string[]> = {
  ChargeCategory: ["Usage", "Purchase", "Tax", "Credit", "Adjustment"],
  ChargeClass: ["Correction"],
  ChargeFrequency: ["One-Time", "Recurring", "Usage-Based"],
  PricingCategory: ["Standard", "Dynamic", "Committed", "Other"],
  ServiceCategory: [
    "AI and Machine Learning",
    "Analytics",
    "Business Applications",
    "Compute",
    "Databases",
    "Developer Tools",
    "Multicloud",
    "Identity",
    "Integration",
    "Internet of Things",
    "Management and Governance",
    "Media",
    "Migration",
    "Mobile",
    "Networking",
    "Security",
    "Storage",
    "Web",
    "Other",
  ],
  /** The subcategories of "AI and Machine Learning" only. */
  ServiceSubcategory: [
    "AI Platforms",
    "Bots",
    "Generative AI",
    "Machine Learning",
    "Natural Language Processing",
    "Other (AI and Machine Learning)",
  ],
};
