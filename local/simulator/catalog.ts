/** The campaign catalog every simulator starts with (campaigns, their products and coupons). */

export interface CatalogProduct {
  /** The id `product{N}_id` expects (campaign product id). */
  campaignProductId: number;
  /** Global product id, shown in parentheses in the product name. */
  productId: number;
  productName: string;
  sku: string;
  priceCents: number;
  shipCents: number;
  billingCycleType: 'ONE_TIME' | 'RECURRING';
}

export interface CatalogCoupon {
  couponCode: string;
  couponName: string;
  discountType: 'PERCENT' | 'FLAT' | 'FREE_SHIPPING';
  /** Percent (0–100) or cents, by type. */
  value: number;
}

export interface CatalogCampaign {
  campaignId: number;
  campaignName: string;
  campaignType: 'ECOMMERCE' | 'PHONE' | 'LANDER';
  currency: string;
  currencySymbol: string;
  products: CatalogProduct[];
  coupons: CatalogCoupon[];
  /** Wall time of creation (fixed, so answers do not depend on when the simulator started). */
  dateCreated: string;
}

const product = (
  campaignProductId: number,
  productId: number,
  title: string,
  sku: string,
  priceCents: number,
  shipCents: number,
  billingCycleType: CatalogProduct['billingCycleType'] = 'ONE_TIME',
): CatalogProduct => ({
  campaignProductId,
  productId,
  productName: `(${productId}) ${title}`,
  sku,
  priceCents,
  shipCents,
  billingCycleType,
});

/** A fresh copy of the default catalog. */
export const defaultCatalog = (): CatalogCampaign[] => [
  {
    campaignId: 1,
    campaignName: 'NAD+ Longevity - Web',
    campaignType: 'ECOMMERCE',
    currency: 'USD',
    currencySymbol: '$',
    dateCreated: '2024-01-15 09:30:00',
    products: [
      product(101, 14015, 'NAD+ (500MG)', 'NAD-500', 5995, 495),
      product(102, 14016, 'NAD+ (1000MG)', 'NAD-1000', 9995, 495),
      product(103, 14020, 'Glutathione Boost (250MG)', 'GLU-250', 3995, 495, 'RECURRING'),
    ],
    coupons: [
      { couponCode: 'SAVE10', couponName: '10% off', discountType: 'PERCENT', value: 10 },
      { couponCode: 'FREESHIP', couponName: 'Free shipping', discountType: 'FREE_SHIPPING', value: 0 },
    ],
  },
  {
    campaignId: 2,
    campaignName: 'Keto Burn - Phone Sales',
    campaignType: 'PHONE',
    currency: 'USD',
    currencySymbol: '$',
    dateCreated: '2024-03-02 14:05:00',
    products: [
      product(201, 20011, 'Keto Burn (30 CT)', 'KETO-30', 4995, 695),
      product(202, 20012, 'Keto Burn (90 CT)', 'KETO-90', 11995, 0),
      product(203, 20013, 'MCT Oil Powder (300G)', 'MCT-300', 2995, 695, 'RECURRING'),
      product(204, 20099, 'Shipping Protection', 'SHIP-PROT', 299, 0),
    ],
    coupons: [{ couponCode: 'WELCOME5', couponName: '$5 off', discountType: 'FLAT', value: 500 }],
  },
  {
    campaignId: 3,
    campaignName: 'Collagen Glow - Lander',
    campaignType: 'LANDER',
    currency: 'USD',
    currencySymbol: '$',
    dateCreated: '2024-06-20 08:00:00',
    products: [
      product(301, 31001, 'Collagen Peptides (20G)', 'COL-20', 3495, 595),
      product(302, 31002, 'Collagen + Biotin (60 CT)', 'COLB-60', 4295, 595, 'RECURRING'),
    ],
    coupons: [
      { couponCode: 'GLOW20', couponName: '20% off', discountType: 'PERCENT', value: 20 },
      { couponCode: 'FREESHIP', couponName: 'Free shipping', discountType: 'FREE_SHIPPING', value: 0 },
    ],
  },
  {
    campaignId: 4,
    campaignName: 'Sleep Well - Canada',
    campaignType: 'ECOMMERCE',
    currency: 'CAD',
    currencySymbol: '$',
    dateCreated: '2025-02-11 11:45:00',
    products: [
      product(401, 41001, 'Melatonin Gummies (5MG)', 'MEL-5', 2495, 795),
      product(402, 41002, 'Magnesium Glycinate (400MG)', 'MAG-400', 2995, 795),
      product(403, 41003, 'Sleep Bundle', 'SLEEP-BNDL', 4995, 0),
    ],
    coupons: [],
  },
];
