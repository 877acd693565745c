/**
 * The general checkers on a user's own shapes: a shop whose final state holds
 * several tables. Each checker reads the operations and the rows it judges
 * through accessors; a shop target lists them in its `checkers`.
 */
import {
  acknowledgedWritesSurvive,
  type Checker,
  noDanglingReferences,
  noLostUpdate,
  uniqueBy,
} from '../harness/index.ts';

/** What the shop target's `finalState` reads. */
export interface Shop {
  products: { sku: string; stock: number; revision: number }[];
  customers: { id: number; email: string }[];
  orders: { id: number }[];
  carts: { id: number }[];
  cartItems: { id: string; cartId: number }[];
}

// The operations' args, and what they return when ok.
export interface Restock {
  sku: string;
  amount: number;
}
export interface Restocked {
  revisionRead: number;
  revisionWritten: number;
}
export interface SignUp {
  email: string;
}
export interface SignedUp {
  customerId: number;
}
export interface PlaceOrder {
  orderId: number;
}
export interface AddToCart {
  cartId: number;
  itemId: string;
}
export interface AbandonCart {
  cartId: number;
}

/** A restock reads a product, then updates it only if its revision is unchanged: no restock is lost. */
export const restocksAreNotLost = noLostUpdate({
  name: 'restocks-are-not-lost',
  op: 'restock',
  rows: (shop: Shop) => shop.products,
  key: (o) => (o.args as Restock).sku,
  readVersion: (o) => (o.value as Restocked).revisionRead,
  wroteVersion: (o) => (o.value as Restocked).revisionWritten,
  rowKey: (product) => product.sku,
  rowVersion: (product) => product.revision,
  initialVersion: 0,
  tokens: false, // a restock writes no value of its own to recognise it by
});

/** However many sign-ups of one email race, there is one customer, and all of them were told its id. */
export const oneCustomerPerEmail = uniqueBy({
  name: 'one-customer-per-email',
  op: 'signUp',
  rows: (shop: Shop) => shop.customers,
  keyName: 'email',
  key: (o) => (o.args as SignUp).email,
  rowKey: (customer) => customer.email,
  identity: { name: 'id', row: (customer) => customer.id, returned: (o) => (o.value as SignedUp).customerId },
});

/** Every acknowledged order is still there after the database crashed. */
export const placedOrdersSurvive = acknowledgedWritesSurvive({
  name: 'placed-orders-survive',
  op: 'placeOrder',
  written: (o) => (o.args as PlaceOrder).orderId,
  present: (shop: Shop) => shop.orders.map((order) => order.id),
});

/** Items are added to carts while carts are abandoned (deleted): no item is left in a cart that is gone. */
export const cartItemsBelongToCarts = noDanglingReferences({
  name: 'cart-items-belong-to-carts',
  childName: 'item',
  parentName: 'cart',
  children: (shop: Shop) => shop.cartItems,
  parents: (shop) => shop.carts,
  childId: (item) => item.id,
  reference: (item) => item.cartId,
  parentId: (cart) => cart.id,
  creates: {
    op: 'addToCart',
    child: (o) => (o.args as AddToCart).itemId,
    parent: (o) => (o.args as AddToCart).cartId,
  },
  deletes: { op: 'abandonCart', parent: (o) => (o.args as AbandonCart).cartId },
});

/** What the shop target lists: `defineTarget<Client, Shop>({ ..., checkers: shopCheckers })`. */
export const shopCheckers: Checker<Shop>[] = [
  restocksAreNotLost,
  oneCustomerPerEmail,
  placedOrdersSurvive,
  cartItemsBelongToCarts,
];
