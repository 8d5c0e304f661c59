#!/usr/bin/env python3
"""Generate sample_corpus.csv, the bundled demo corpus for embdash.

Every text below was written for this project (no copied material) and is released,
together with the generated CSV, under CC0 1.0 (public domain dedication).

12 topics x 40 short documents. Within a topic the texts deliberately avoid a shared
template or keyword, so the topic has to be found from meaning. About 5% are
cross-topic (marked "cross-topic" below) and carry their main topic as the label.

Run:  python3 data/samples/make_sample_corpus.py   (standard library only; output is deterministic)
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

# Each entry: (source, rating or None, text[, earliest plausible year]).
# rating is set for reviews only; the year is drawn from a seeded RNG.

COOKING = [
    ("review", 5, "Made the slow-braised short ribs from the weekend section and the meat fell off the bone after three hours. I swapped red wine for stock and it was still rich and glossy."),
    ("blog", None, "Tip for anyone who hates peeling garlic: smash the cloves under the flat of a knife and the skins slide right off. Saves me ten minutes every time I make a stir-fry."),
    ("forum", None, "Why does my bread dough never rise properly in winter? The kitchen sits around 16°C and after two hours it has barely puffed up."),
    ("forum", None, "Put the bowl in the oven with only the light switched on. The bulb keeps it warm enough, and my sourdough doubles in about four hours that way."),
    ("review", 2, "The cast iron skillet arrived pre-seasoned, supposedly, but eggs welded themselves to the surface on the first try. Needed three rounds of oil and baking before it behaved."),
    ("news", None, "A neighbourhood cooking school is offering free knife-skills classes for teenagers this summer, covering everything from dicing onions to filleting fish safely."),
    ("blog", None, "Risotto doesn't need constant stirring. Add the warm stock a ladle at a time, give it a stir every minute or so, and you'll still get that creamy, loose texture."),
    ("support", None, "My meal kit box arrived with the chicken missing and the ice packs fully melted. Can you send a replacement or refund this week's delivery?"),
    ("review", 4, "Lovely little mortar and pestle. Grinds cumin and coriander seeds to a fine powder in seconds, though the granite is heavier than I expected."),
    ("forum", None, "What can I substitute for buttermilk in pancakes? I've got plain yogurt and regular milk in the fridge but nothing else."),
    ("blog", None, "Tonight's dinner came together from leftovers: yesterday's roast potatoes crisped in a hot pan, a fried egg on top, and a spoonful of chilli crisp. Twenty minutes, no waste."),
    ("news", None, "Food safety officials are reminding households to cool leftover rice within an hour and keep it refrigerated, after a rise in stomach illness linked to reheated dishes."),
    ("review", 5, "This pasta maker turned Sunday lunch into a family project. The rollers handle tagliatelle and lasagne sheets easily, and clean-up is just a dry brush."),
    ("forum", None, "Is it worth toasting spices before grinding them? I've seen it in a lot of curry instructions and never bothered."),
    ("blog", None, "My grandmother never measured flour for her dumplings; she went by feel. After a dozen attempts I finally got the dough soft but not sticky, and they held together in the broth."),
    ("review", 3, "The air fryer crisps frozen chips nicely, but chicken thighs came out dry on the outside and underdone near the bone. Fine for snacks, not for proper meals."),
    # cross-topic: cooking app bug
    ("support", None, "The recipe app scales ingredient quantities wrongly when I double the servings. The salt jumped from one teaspoon to four, and the whole batch of soup was inedible."),
    ("news", None, "A bakery café in the old town has started selling day-old loaves at half price in the evening, cutting its food waste by nearly a third."),
    ("blog", None, "Quick pickled red onions: slice thin, cover with equal parts vinegar and hot water, add a pinch of sugar and salt, and leave them for half an hour. They brighten up tacos and salads."),
    ("forum", None, "My caramel keeps crystallising into a grainy mess. I'm using white sugar and a bit of water, stirring the whole time. What am I doing wrong?"),
    ("forum", None, "Stop stirring! Swirl the pan instead, and brush the sides down with a wet pastry brush so stray crystals don't seed the whole batch."),
    ("review", 4, "Sturdy enamel casserole dish that goes from hob to oven without fuss. My beef stew browned well and nothing stuck, though the lid handle gets very hot."),
    ("review", 1, "The non-stick coating on this frying pan started flaking after a month of gentle use. I'm not comfortable cooking on it anymore."),
    ("blog", None, "Batch-cooking on Sundays changed my week: a big pot of lentil soup, a tray of roasted vegetables and some cooked grains, mixed and matched for lunches until Thursday."),
    ("news", None, "A regional chili cook-off drew more than two hundred entries this year, with a smoky black bean version taking the top prize from the judging panel."),
    ("forum", None, "How long should a whole chicken rest after roasting? Mine always seems to lose its juices all over the board when I carve straight away."),
    ("support", None, "I ordered the spice sampler as a gift, but the paprika jar arrived cracked and spilled over everything else in the box. Could you ship another set?"),
    ("blog", None, "Crème fraîche is my secret for pan sauces. Stir a spoonful into the juices after searing pork chops and it won't split the way single cream sometimes does."),
    ("review", 5, "Best bread knife I've owned. Slices crusty loaves cleanly without crushing them."),
    # cross-topic: garden glut
    ("forum", None, "Anyone have a good way to use up a glut of courgettes from the allotment? I've made fritters twice this week and the family is rebelling."),
    ("blog", None, "Leave the steak out of the fridge for half an hour before it hits the pan, pat it completely dry, and don't move it for the first two minutes. That's the whole secret to a proper crust."),
    ("news", None, "School canteens across the district will switch to scratch cooking next term, replacing reheated trays with soups, stews and fresh bread made on site."),
    ("review", 3, "The stand mixer kneads dough well, but it walks across the counter on the highest speed and is louder than I'd like."),
    ("forum", None, "Does anyone else find that jalapeño heat varies wildly? One batch of salsa was mild, the next one made my eyes water."),
    ("support", None, "The video for the lemon tart lesson stops halfway through, right before the part about blind-baking the pastry case. Could you fix the link?"),
    ("blog", None, "Brown butter takes any biscuit up a level. Melt it until it smells nutty and flecks of golden solids appear, then let it cool before creaming with sugar."),
    ("review", 4, "The silicone baking mats really do stop cookies sticking, and they wipe clean. Edges brown a little less than on parchment, so I add a minute."),
    ("news", None, "A street food market returning to the harbour front this weekend will feature dumpling stalls, wood-fired flatbreads and a tent devoted entirely to fermented hot sauces."),
    ("forum", None, "Is it safe to freeze cooked pasta? I always make way too much and hate throwing it out."),
    ("blog", None, "A pot of beans simmered with a bay leaf, half an onion and a glug of olive oil is the cheapest comforting meal I know. Season at the end, not the start."),
]

FINANCE = [
    ("forum", None, "Is it smarter to overpay my mortgage or put the extra into a pension? I have about €300 spare each month and no other debts."),
    ("blog", None, "I tracked every purchase for ninety days and discovered that takeaway coffee and forgotten subscriptions were eating almost a tenth of my take-home pay."),
    ("news", None, "The central bank held interest rates steady on Thursday, saying inflation is easing but remains above its target for the coming year."),
    ("support", None, "A direct debit for my car insurance was taken twice this month and now my current account is overdrawn. Please reverse the duplicate payment and waive the fee."),
    ("review", 4, "This budgeting app makes splitting bills with housemates painless, and the monthly spending charts are genuinely useful. I'd like more control over the category names, though."),
    ("forum", None, "First job, first payslip, and I have no idea what half these deductions are. Is there a simple way to check my tax code is right?"),
    ("blog", None, "An emergency fund isn't an investment, it's insurance. Three months of essential outgoings in an easy-access account meant a broken boiler last winter didn't become credit card debt."),
    ("news", None, "Household debt reached a record level last quarter, driven largely by credit card balances and personal loans among people under thirty-five."),
    ("review", 2, "The 'high-yield' savings account dropped its rate twice within six months of me opening it. Customer service couldn't explain when it might go back up."),
    ("forum", None, "Snowball or avalanche? I've got a store card at 29%, a car loan at 7% and a small student loan that barely charges anything. Clearing the smallest balance first feels motivating, but the maths says to attack the highest rate. For those who've done it, which approach actually kept you going?"),
    ("blog", None, "Low-cost index funds are boring, and that's the point. I set up an automatic monthly contribution years ago and barely look at the balance anymore."),
    ("support", None, "I'm trying to transfer my old workplace pension into my personal plan, but the online form keeps rejecting the scheme reference number. What format does it need?"),
    ("news", None, "A new law will require lenders to show the total cost of credit in euros, not just the annual percentage rate, on every loan advertisement."),
    ("review", 5, "Brilliant beginner's book on investing. No jargon, no get-rich-quick nonsense, just clear chapters on compounding, fees and diversification."),
    ("forum", None, "My partner and I earn very different salaries. Do you split household costs fifty-fifty or in proportion to income?"),
    ("blog", None, "We stopped using cards for groceries and went back to envelopes of cash. It feels old-fashioned, but watching the envelope thin out by the third week is a very effective brake."),
    ("news", None, "Pension savers who switch to lower-fee funds could end up tens of thousands better off at retirement, according to a consumer group's analysis of charges."),
    ("review", 3, "The financial planner was knowledgeable and patient, but the upfront fee felt steep for what was mostly a spreadsheet and general advice."),
    ("forum", None, "Anyone else freelancing and terrified of the year-end tax bill? I've started moving a quarter of every invoice into a separate account the day it's paid."),
    # cross-topic: card abroad
    ("support", None, "My debit card was declined abroad even though I set a travel notice in the app. Can you confirm the card is active for payments in Zürich?"),
    ("blog", None, "Lifestyle creep is sneaky. Each pay rise went quietly into nicer lunches and a bigger flat, until I realised my savings rate was lower than when I earned half as much."),
    ("news", None, "Mortgage approvals fell for a third consecutive month as higher borrowing costs continue to squeeze first-time buyers out of the property market."),
    ("review", 1, "Avoid this credit builder card. The annual fee was buried in the small print, and the limit was so low that a single grocery shop pushed my utilisation over half."),
    ("forum", None, "Is it worth paying an accountant if you only have a salary and a small rental income? The forms look intimidating, but maybe I'm overthinking it."),
    ("blog", None, "I automate everything the day after payday: rent, bills, a fixed amount to savings, a smaller amount to investments. What's left is guilt-free spending."),
    ("support", None, "The annual statement for my tax-free savings account shows a contribution I never made. Could someone check whether a payment was applied to the wrong account?"),
    ("news", None, "Rising energy bills have pushed one in five households to dip into savings to cover winter costs, a survey of renters and homeowners found."),
    ("review", 4, "Clear, well-designed household ledger notebook. Monthly spreads for income, fixed costs and goals, and the paper is thick enough that ink doesn't bleed through."),
    ("forum", None, "Got a small inheritance and don't want to fritter it away. Pay off the car loan, or put it in a fund and leave it alone for ten years?"),
    ("blog", None, "Retiring early isn't about deprivation for me. It's choosing which costs actually make my life better and cutting the rest without apology."),
    ("news", None, "Regulators fined a payday lender for rolling over short-term loans without proper affordability checks, leaving borrowers with spiralling interest charges."),
    ("support", None, "I want to close my joint savings account after a separation. Do both account holders need to sign the closure form, or can it be done online?"),
    ("review", 5, "Switching to this fee-free current account saved me a small fortune on foreign transactions, and the instant spending notifications keep me honest."),
    ("forum", None, "Should a 24-year-old bother with a pension when rent eats half of everything? Feels like retirement is a problem for future me."),
    ("forum", None, "Future you will be grateful. Even a small percentage now, especially if your employer matches it, grows far more than a bigger amount started at forty."),
    ("blog", None, "My no-spend month: no clothes, no eating out, no gadgets, just groceries and bills. I saved more than I expected and learned that most of my shopping was boredom."),
    ("news", None, "Average rents in the capital rose another six percent this year, outpacing wage growth for the fourth year running, according to a property analysis."),
    ("review", 2, "The robo-adviser's portfolios are fine, but withdrawing took nine working days and the app hid the fee breakdown three menus deep."),
    ("support", None, "Please update the address on my account. My bank statements are still going to my old flat and I'm worried about someone else opening them."),
    # cross-topic: football season ticket
    ("forum", None, "Buying season tickets for my football club on a monthly payment plan with interest: sensible budgeting or a terrible idea?"),
]

FOOTBALL = [
    ("news", None, "A stoppage-time header from the visiting centre-back snatched a 2–2 draw on Saturday, denying the home side their first league win since August."),
    ("forum", None, "Am I the only one who thinks the new offside technology is killing celebrations? You score, you wait two minutes, and half the time it's ruled out by a toenail.", 2019),
    ("review", 4, "The replica shirt fits true to size and the fabric breathes well during five-a-side. The badge stitching already looks a little loose after a few washes, though."),
    ("blog", None, "Watched my daughter's under-11s play in the rain this morning. Nobody could pass in a straight line, the goalkeeper wore gloves twice her size, and it was the best hour of my week."),
    ("news", None, "The club confirmed its head coach has left by mutual consent after a run of seven defeats that dropped the team into the relegation zone."),
    ("forum", None, "Who should start up front on Sunday? The young winger has pace to burn but our target man wins every aerial duel. Can't see them playing together in a 4-3-3."),
    ("support", None, "I bought two season tickets online but only one seat shows in my account. The confirmation email lists both. Can you check the booking?"),
    ("review", 2, "The stadium tour was overpriced and rushed. We spent five minutes in the dressing room, never got near the pitch, and the gift shop took up half the visit."),
    ("blog", None, "Pressing isn't just running hard. The best teams press as a unit, cutting passing lanes so the opposition is funnelled toward the touchline where they have nowhere to go."),
    ("news", None, "The women's national team qualified for the tournament finals with a game to spare after a composed 3–0 victory away from home."),
    ("forum", None, "That penalty decision last night was a disgrace. The defender clearly played the ball first and the referee didn't even go to the monitor."),
    ("review", 5, "These moulded boots are perfect for firm natural grass. Lightweight, great touch on the ball, and no blisters even on the first wear."),
    ("news", None, "A lower-league club has been saved from liquidation after supporters raised enough through a community share scheme to take over the ground."),
    ("blog", None, "The derby atmosphere was unreal: flares at kick-off, forty thousand people singing through the rain, and a winner in the eighty-ninth minute that I still can't quite believe."),
    ("forum", None, "How do you get better at heading without it hurting? I'm a centre-half in a Sunday league and I flinch every time a long ball comes in."),
    ("support", None, "My match-day programme subscription hasn't arrived for the last three home games. Could you resend them and confirm my delivery address?"),
    ("review", 3, "The training cones and agility ladder are decent value for the youth team, but the bag they come in tore within a week."),
    ("news", None, "The transfer window closed with a flurry of late loan deals, as clubs scrambled to cover injuries in midfield and defence."),
    ("forum", None, "Genuine question: why do keepers always go down early instead of staying big and making the striker commit? Half the goals this season went through their legs."),
    ("blog", None, "A season following a fourth-tier club teaches patience. Cold terraces, pies of questionable origin, and every so often a volley that would grace any final."),
    ("news", None, "A youth academy graduate scored twice on his senior debut, becoming the club's youngest-ever goalscorer at seventeen years and forty days."),
    ("review", 1, "Bought this match ball for the kids and it lost its shape after two weeks on an artificial pitch. The panels are already peeling."),
    ("forum", None, "Thinking of switching from a back four to a back three for our amateur side. We've got three solid centre-backs, but our full-backs keep getting caught upfield."),
    # cross-topic: streaming glitch
    ("support", None, "The live stream of the cup tie froze in the second half and never recovered, so I missed both goals. Is a partial refund possible?"),
    ("blog", None, "Set pieces win tight matches. We spent a month drilling near-post corners at training, and three of our last five goals have come from exactly that routine."),
    ("news", None, "League officials announced that concussion substitutes will be allowed in all domestic competitions from next season following a successful trial.", 2021),
    ("review", 4, "Comfortable shin pads that stay in place without tape. Slim enough to fit under socks, but they still took the sting out of a nasty tackle on Saturday."),
    ("forum", None, "Our manager insists on playing out from the back even though our keeper is terrified with the ball at his feet. We've conceded four this month straight from that."),
    # cross-topic: travel post about a match abroad
    ("blog", None, "Flew to São Paulo for a week and squeezed in a league match. The samba drums never stopped, fans hugged strangers after every goal, and the stadium food was half the price of home."),
    ("news", None, "Ticket prices for away fans will be capped for a further three seasons, after supporters' groups campaigned for cheaper travel and entry."),
    ("forum", None, "Is it normal for a nine-year-old to be benched every week at grassroots level? My son trains hard but the coach only ever picks the same eleven."),
    ("review", 5, "Goalkeeper gloves with superb grip in wet conditions. Caught everything in a rainy cup tie, and the wrist strap gives solid support."),
    ("support", None, "I need to change the name on a transferred match ticket to my brother's. The system says the seat is locked. How do I update the holder?"),
    ("blog", None, "Underrated skill: scanning. Watch the best midfielders and they check over their shoulder three or four times before the ball even arrives."),
    ("news", None, "A late own goal settled a scrappy relegation battle, leaving both sides separated by a single point with four fixtures left."),
    ("forum", None, "Best pre-match routine for a Sunday morning kick-off after a late shift? I feel sluggish for the first twenty minutes every week."),
    ("review", 3, "The five-a-side goal frames are easy to assemble, but the nets are thin and the pegs won't hold in hard ground."),
    ("blog", None, "Some of my oldest friendships started on a muddy school pitch. We're all past forty now and still meet every Wednesday for a kickabout."),
    ("news", None, "The national federation unveiled plans to install artificial pitches at two hundred schools, aiming to boost participation among girls."),
    ("forum", None, "Lost my voice in the away end last night. What a comeback!"),
]

ASTRONOMY = [
    ("news", None, "A newly launched orbital observatory has returned its first images, showing a spiral galaxy in unprecedented infrared detail."),
    ("forum", None, "Best beginner setup for viewing planets on a tight budget? I'm torn between a small refractor and a 6-inch Dobsonian."),
    ("review", 5, "This Dobsonian reflector was easy to collimate, and on the first clear night I saw Saturn's rings and the cloud bands on Jupiter. Worth every cent."),
    ("blog", None, "Lay on a blanket in a dark field last night and counted forty-three meteors in an hour. The Perseids never disappoint when the moon stays out of the way."),
    ("news", None, "Engineers confirmed the Mars rover has resumed driving after a two-week pause caused by a software fault in its navigation cameras."),
    ("forum", None, "What causes the faint greenish glow in my long-exposure photos of the night sky, even far from town? It's not aurora, is it?"),
    ("forum", None, "Probably airglow. Atoms in the upper atmosphere release light they absorbed during the day, and it shows up clearly on long exposures from dark sites."),
    ("review", 2, "The star-tracker mount kept drifting during long exposures, so every frame had trailed stars. Returned it after a week of frustrating nights."),
    ("news", None, "Astronomers have detected water vapour in the atmosphere of a planet orbiting a red dwarf about a hundred light-years away."),
    ("blog", None, "Light pollution is stealing the Milky Way from most of us. Last month I drove ninety minutes into the hills and saw it arch overhead for the first time since childhood."),
    ("support", None, "The planetarium app shows the wrong constellations for my location. I've enabled GPS, but the sky chart still seems offset by a few hours."),
    ("review", 4, "Solid 10x50 binoculars for scanning the night sky. The Andromeda galaxy shows up as a clear smudge, though they get heavy after twenty minutes without a tripod."),
    ("news", None, "A private launch company landed a reusable booster on an ocean platform for the twentieth time, further lowering the cost of putting satellites into orbit."),
    ("forum", None, "If the universe is expanding, why is the Andromeda galaxy heading toward us? Doesn't that contradict everything?"),
    ("blog", None, "Photographing the lunar surface taught me more about patience than anything else. Wait for the terminator line, where long shadows make the craters leap out."),
    ("news", None, "A total solar eclipse will cross parts of the continent next spring, and towns along the path are already preparing for an influx of visitors."),
    ("review", 3, "The planisphere is beautifully printed, but the window is too small to read comfortably with a red torch in the dark."),
    ("forum", None, "Spotted a bright, steady light moving quickly across the sky about an hour after sunset, with no blinking. Was that the space station?"),
    ("support", None, "My telescope's go-to hand controller won't complete the alignment. It keeps choosing stars hidden behind my house and freezes when I skip them."),
    ("blog", None, "Black holes aren't cosmic vacuum cleaners. If the Sun were replaced by one of equal mass, Earth would keep orbiting exactly as it does now, just in the cold and dark."),
    ("news", None, "A comet discovered by amateur observers last year may become visible to the naked eye in October, if it survives its close pass around the Sun."),
    ("review", 5, "The astronomy club's monthly public night was wonderful. Volunteers had six scopes set up and patiently showed the kids Jupiter's moons and a globular cluster."),
    ("forum", None, "Can you really see the rings of Saturn with a 70mm refractor? Mine just shows a blurry oval at high magnification."),
    ("news", None, "Space agencies signed an agreement to jointly build a small station in lunar orbit, intended as a staging point for future crewed landings."),
    ("blog", None, "Naïve as it sounds, I never realised the stars rise four minutes earlier each night. Keeping a simple observing log made the slow turn of the seasons visible."),
    ("support", None, "I booked the dark-sky observatory tour for Saturday, but the confirmation shows Friday. Could you move my two tickets to the correct night?"),
    ("review", 1, "Cheap 'astronomical' telescope with a wobbly tripod and plastic lenses. Couldn't even focus on the Moon properly. Completely misleading packaging."),
    ("news", None, "Researchers using a global network of radio dishes have captured the sharpest picture yet of the shadow around a supermassive black hole in a distant galaxy.", 2019),
    # cross-topic: travel / space weather
    ("forum", None, "How far north do I have to travel for a decent shot at the northern lights? Planning a winter trip and would love to see them at least once."),
    ("blog", None, "There's a strange comfort in knowing that the light from some of the stars I see tonight left them before any of my ancestors were born."),
    # cross-topic: weather satellite launch
    ("news", None, "A weather satellite launched on Tuesday reached its planned orbit and will begin sending imagery of storm systems within two months."),
    ("review", 4, "Sturdy red-light headlamp that doesn't ruin night vision. The battery lasted three long observing sessions, but the strap is a bit tight over a hat."),
    ("forum", None, "Which matters more for deep-sky objects: bigger aperture or a darker site? I can afford one upgrade this year, not both."),
    ("support", None, "The live feed of the rocket launch on your site cut out ten seconds before lift-off. Will there be a replay available?"),
    ("blog", None, "Mercury is notoriously hard to spot, but this week it sits low in the west just after sunset. Find a flat horizon and look about half an hour after the Sun goes down."),
    ("news", None, "Scientists say a distant star dimmed by almost a fifth over several weeks, likely because a dense cloud of dust passed in front of it."),
    ("review", 3, "The nebula filter improves contrast on the brighter objects, but from my suburban back garden the difference is subtle. It needs properly dark skies."),
    ("forum", None, "Could humans actually live on Mars, or is it just hype? Radiation, dust storms, no magnetic field... seems brutal."),
    ("blog", None, "Took my nephew out to see Jupiter through the eyepiece. When he spotted the four little moons lined up beside it, he didn't speak for a full minute."),
    ("news", None, "A fragment of an asteroid that burned up over the desert was recovered by a search team, offering a rare sample of material from the early solar system."),
]

GARDENING = [
    ("forum", None, "My tomato leaves are curling and turning yellow from the bottom up. They're in large pots on a south-facing patio, watered every evening, and fed once a fortnight. The fruit looks fine so far. Is this overwatering, a magnesium deficiency, or just the older leaves dying back naturally?"),
    ("blog", None, "Compost isn't magic, it's patience. Alternate green kitchen scraps with brown cardboard and dry leaves, turn it every fortnight, and by spring the heap smells like a forest floor."),
    ("review", 5, "These raised bed kits went together in an afternoon. The cedar boards look great, and my lettuce and radishes are thriving in the deeper soil."),
    ("news", None, "The town's community allotments have a two-year waiting list, prompting the council to convert a disused car park into forty new plots."),
    ("forum", None, "Slugs destroyed every single one of my hosta shoots overnight. What works that isn't toxic to the hedgehogs that visit?"),
    ("blog", None, "Pruned the apple tree today for the first time. Took out anything crossing, anything growing inward, and the suckers. It looks bare, but I'm told the fruit will thank me."),
    ("review", 2, "The self-watering planters leak from the overflow hole even when they're not full, leaving a permanent puddle on my balcony."),
    ("support", None, "My seed order arrived, but the packet of sweet peas was missing and the dwarf beans were a climbing variety instead. Can you send the right ones?"),
    ("news", None, "Gardeners are being urged to leave patches of lawn unmown through May to provide early nectar for bees and other pollinators."),
    ("forum", None, "Is it too late to plant garlic in December? The ground isn't frozen yet, but it's getting cold."),
    ("review", 4, "Excellent bypass secateurs. Clean cuts through thumb-thick rose stems, and the grip is comfortable even for small hands. The safety catch is a little stiff."),
    ("blog", None, "Ten years on this allotment and I've learned one thing: grow what you actually eat. Nobody in my house likes kohlrabi, yet I planted it three seasons in a row."),
    ("forum", None, "What's this white powdery coating on my courgette leaves? It spreads a bit further every day."),
    ("forum", None, "Powdery mildew. Water the soil rather than the foliage, remove the worst leaves, and give the plants more space so air can move between them."),
    ("news", None, "A heritage seed library has opened at the central branch, lending out packets of old bean and squash varieties that borrowers return after harvest."),
    ("review", 1, "The hose reel cracked on its first frosty morning and now sprays water from the joint every time I turn the tap on."),
    ("blog", None, "Mulching the borders with bark chips halved my weeding time and kept the soil damp through a dry July. Lay it thick, at least five centimetres."),
    ("support", None, "The greenhouse panels you delivered are the wrong size for the frame, about two centimetres too short. How do I arrange an exchange?"),
    ("forum", None, "Moss is taking over the shady side of my lawn. Should I scarify it, or just give up and plant something that likes the dark?"),
    # cross-topic: weather damage
    ("news", None, "Late frost damaged blossom across many orchards this spring, and growers warn that home fruit trees may produce little this autumn."),
    ("blog", None, "Bulbs planted in October are a letter to your future self. I'd forgotten all about the tulips until they burst open in April beside the gate."),
    ("review", 3, "Decent compost bin with a useful hatch at the bottom, but the lid blows off in strong wind unless you weigh it down with a brick."),
    ("forum", None, "Can I grow blueberries in a pot? My garden soil is very chalky and I've heard they hate that."),
    ("blog", None, "Sowing chillies in late winter on a sunny windowsill gives them the long season they need. A cheap heat mat under the seed tray speeds germination a lot."),
    ("news", None, "A survey found that nearly half of young renters grow edible plants indoors or on balconies, with herbs and salad leaves the most popular."),
    ("review", 5, "The kneeling pad and bench combo has saved my knees. Flip it over and it becomes a seat for potting up seedlings, and it's light enough to carry around."),
    ("support", None, "I subscribed to the monthly plant box but was charged for three boxes in one go. Please refund the extra two."),
    ("forum", None, "Aphids all over the new growth on my roses. Is a spray of soapy water enough, or do I need something stronger?"),
    ("blog", None, "A wildlife pond doesn't need to be big. I sank an old washing-up bowl into the ground, added stones for a ramp, and had frogs within a season."),
    ("review", 4, "Good quality loppers that cut cleanly through overgrown hazel branches. The extendable handles help, though they're heavier than expected."),
    ("news", None, "A garden open day at a former rectory raised money for the local hospice, with visitors touring its walled kitchen garden and wildflower meadow."),
    ("forum", None, "How often should I feed tomatoes once the first trusses set fruit? The bottle says weekly; my neighbour swears by every three days."),
    ("blog", None, "Pinching out the tips of basil every week keeps it bushy and stops it flowering. One plant from the supermarket became four after I split and repotted it."),
    ("review", 2, "The lawn feed scorched brown stripes wherever the spreader overlapped. I followed the dosage exactly, so I suspect it's just too strong."),
    ("support", None, "The fruit trees you delivered were bare-root, but the listing said potted. Can they still go in the ground now, or should I return them?"),
    ("forum", None, "My hydrangeas came out pink this year when they've always been blue. Did I do something to the soil?"),
    # cross-topic: drought
    ("news", None, "Hosepipe restrictions come into force on Friday, and gardeners are advised to collect rainwater in butts and water pots early in the morning to reduce evaporation."),
    ("blog", None, "Dividing perennials is the cheapest way to fill a border. I dug up one overgrown clump of hardy geraniums and replanted it as six healthy plants."),
    ("review", 5, "This rain barrel connects straight to the downpipe and filled overnight in the first storm. The tap at the bottom fits a watering can perfectly."),
    ("forum", None, "First time growing potatoes in sacks. When do I know they're ready to tip out? The foliage has only just started to yellow."),
]

IT_SUPPORT = [
    ("support", None, "Since this morning's update, the accounting program crashes as soon as I open a report. The error says 'unexpected null reference' and nothing else."),
    ("forum", None, "My laptop fan runs at full speed even when it's idle. Task manager shows a background indexing process using forty percent of the CPU."),
    ("support", None, "I'm locked out after too many failed sign-in attempts. Can someone reset my password? I need access to the shared drive before the noon meeting."),
    ("blog", None, "Debugging tip: before you change any code, write down exactly what you expected to happen and what actually happened. Half the time the mismatch points straight at the fault."),
    ("review", 2, "The mesh Wi-Fi kit looked great on paper, but devices keep dropping between nodes and the companion app needs a restart every couple of days."),
    ("news", None, "A widely used open-source compression library has been patched after researchers found a flaw that could let attackers run code on unpatched servers."),
    ("forum", None, "Getting 'permission denied' when my script tries to write to /var/log, even though I'm in the admin group. What am I missing?"),
    ("support", None, "The office printer on the second floor shows as offline for everyone since we moved to the new network. It prints fine over the USB cable."),
    ("blog", None, "Our web app slowed down every afternoon for weeks. The culprit was a cache that never evicted entries, so memory grew until the garbage collector spent more time running than the app."),
    ("review", 4, "Reliable external SSD. Fast transfers over USB-C and it stays cool. The bundled backup software is clunky, so I use my own sync script instead."),
    ("forum", None, "After upgrading the operating system, my VPN connects but no internal sites load. DNS issue? Everything worked yesterday."),
    # cross-topic: airport kiosks
    ("news", None, "Thousands of check-in kiosks at airports went dark for several hours after a faulty configuration update was pushed to them overnight."),
    ("support", None, "My email client keeps sending messages from an important supplier to the junk folder, even after I've marked them as safe several times."),
    ("blog", None, "Never trust a date parser with user input. Our invoices went out with the day and month swapped for every customer whose locale wasn't set, and nobody noticed for a fortnight."),
    ("review", 1, "This router firmware update bricked my device. The power light blinks orange forever and the recovery procedure in the manual doesn't work."),
    ("forum", None, "Unit tests pass locally but fail on the build server with a timezone-related assertion. How do people usually make date tests deterministic?"),
    ("support", None, "My second monitor flickers and goes black for a second every few minutes. I've swapped the cable already. Could it be the docking station?"),
    # cross-topic: hospital ransomware
    ("news", None, "A regional hospital switched back to paper records for two days after a ransomware attack encrypted its appointment scheduling system."),
    ("blog", None, "Naïve string comparison broke our search for accented words. 'Café' typed on a phone and 'café' pasted from a document were stored in different Unicode forms, so they never matched."),
    ("forum", None, "My spreadsheet program strips the leading zeros from product codes whenever I open the exported CSV. Is there a way to stop that without reformatting every time?"),
    ("review", 3, "The help desk ticketing tool does the basics well, but searching old tickets is painfully slow and the notification emails are cluttered."),
    ("support", None, "The shared calendar stopped syncing on my phone after I changed my password. New meetings appear on the desktop but not on mobile."),
    ("news", None, "A major cloud provider blamed an expired security certificate for an outage that took down payment pages and messaging apps for much of Tuesday morning."),
    ("forum", None, "Blue screen every time I wake the PC from sleep. The stop code mentions a driver power state failure, and the graphics driver is already the latest version."),
    ("blog", None, "The most useful sentence in any bug report: 'Steps to reproduce.' Without it, your ticket is a story, not a problem someone can fix."),
    ("support", None, "Our team can't reach the inventory database since the migration. The connection times out after thirty seconds on every machine."),
    ("review", 5, "Superb mechanical keyboard for long coding sessions. The keys are quiet, it pairs with three machines, and the battery lasts for weeks."),
    ("forum", None, "Has anyone else seen the file manager freeze for a minute whenever a network drive disconnects? It's driving the whole office mad."),
    ("news", None, "Developers reported a sharp rise in phishing messages disguised as package update notices, aimed at stealing credentials for code repositories."),
    ("blog", None, "We spent a day chasing an intermittent test failure before realising two tests wrote to the same temporary file. Run them alone and both pass; run them in parallel and one occasionally reads the other's half-written data. Lesson learned: every test gets its own fresh directory, no exceptions."),
    ("support", None, "The two-factor codes from the authenticator app are always rejected. My phone's clock looks correct, but maybe it's a few seconds off?"),
    ("review", 2, "The budget laptop is fine for email, but the storage is so slow that a system update takes over an hour. Feels outdated out of the box."),
    ("forum", None, "Our Python service leaks memory slowly under load. What profilers do people use to find which objects aren't being freed?"),
    ("news", None, "A glitch in a time-tracking app caused some employees' hours to be recorded twice, leading to overpayments that their employer now has to recover."),
    ("support", None, "I accidentally deleted a folder of project files from the shared drive yesterday afternoon. Is there a backup you can restore it from?"),
    ("blog", None, "Turning it off and on again isn't a joke. A restart clears memory, resets stuck network connections and reloads drivers, which fixes a surprising number of problems."),
    ("review", 4, "The ergonomic mouse took a week to get used to, but my wrist pain from long help-desk shifts has mostly gone. The software for the extra buttons is basic."),
    ("forum", None, "Is it normal for a fresh install of the OS to use eight gigabytes of RAM while doing nothing? Feels like something is wrong."),
    ("support", None, "The new starter's account hasn't been created yet and she begins on Monday. Could you set up her login, mailbox and access to the sales folder?"),
    ("blog", None, "Error messages should tell the user what to do next. 'Something went wrong' is useless; 'The file is open in another program, close it and try again' actually helps."),
]

TRAVEL = [
    ("review", 5, "Spotless room with a balcony overlooking the harbour, and the staff remembered our names by the second morning. The breakfast spread alone was worth the price."),
    ("review", 1, "Booked a sea-view double and got a windowless room next to the lift shaft. The front desk shrugged and said the hotel was full."),
    ("forum", None, "Is three days in Lisbon enough, or should we add a day trip to Sintra? First time in Portugal and we don't want to rush."),
    ("news", None, "Airlines are warning passengers of delays at several airports this weekend as baggage handlers begin a forty-eight-hour strike."),
    ("blog", None, "Overnight trains are my favourite way to cross Europe now. Fall asleep in one country, wake up in another, and skip the airport security queue entirely."),
    ("support", None, "I need to move my booking from the 12th to the 14th, but the website won't let me edit the reservation online. Can you help?"),
    ("forum", None, "Packing light for two weeks in Southeast Asia: is one carry-on backpack realistic, or am I kidding myself?"),
    ("review", 3, "The hostel's location near the old town was ideal, but the dorm was stuffy and the lockers were too small for a normal backpack."),
    ("news", None, "The city will introduce a tourist tax of €3 per night from next year, with the revenue earmarked for cleaning and maintaining its historic streets."),
    ("blog", None, "We spent a rainy afternoon in a tiny café in Zürich, watching trams glide past and drinking the richest hot chocolate I've ever had. Sometimes the best plan is no plan."),
    ("forum", None, "Do I need a visa for a layover if I don't leave the airport? The connection is six hours and I'd rather not gamble."),
    ("review", 4, "Comfortable guesthouse run by a friendly family. The walls are thin, but the homemade jam at breakfast and the view of the vineyards made up for it."),
    ("support", None, "My suitcase didn't arrive on the flight from Madrid and the tracking reference says 'not found'. It's been four days. What happens now?"),
    ("news", None, "Visitor numbers to the island have returned to pre-pandemic levels, but residents are calling for limits on cruise ship arrivals during peak summer weeks.", 2022),
    ("blog", None, "Tip for long-haul flights: set your watch to the destination time as soon as you board, and eat and sleep accordingly. Jet lag hits me half as hard now."),
    ("review", 2, "The resort looked nothing like the photos. Pool closed for repairs, restaurant only open for dinner, and a constant smell of damp in the corridor."),
    ("forum", None, "Any recommendations for quiet beaches on the southern coast that aren't packed with tour buses by ten in the morning?"),
    ("support", None, "I was charged a resort fee at check-out that wasn't mentioned anywhere on the booking page. Could you explain this charge or refund it?"),
    ("blog", None, "Backpacking through the mountains with nothing but a rail pass taught me how generous strangers can be. When the last bus left early, a farmer drove me twenty kilometres to the next village, refused any money for petrol, and sent me off with bread, cheese and a jar of plum jam."),
    ("review", 5, "The rooftop terrace at sunset, the huge bed and the blackout curtains made this the most restful city break I've had in years."),
    ("news", None, "A new high-speed rail link will cut the journey between the two capitals to under three hours, making the route competitive with short-haul flights."),
    ("forum", None, "Is it rude not to tip in restaurants when travelling in countries where service is included? I never know the local etiquette."),
    ("review", 3, "Good value apartment with a fully equipped kitchen, but check-in meant collecting keys from a shop across town that closed at six."),
    ("blog", None, "Slow travel changed everything for me. A month in one small coastal town beats seven cities in ten days; you actually learn where the locals buy bread."),
    # cross-topic: insurance claim
    ("support", None, "The insurance claim for my cancelled flight was rejected for a missing document, but I uploaded the receipt twice. Please review it again."),
    ("forum", None, "Staying in Kraków for a week in February. Is it worth a day trip to the salt mine, and how cold does it actually get?"),
    ("news", None, "Passport offices are processing record numbers of applications, and officials advise travellers to apply at least ten weeks before departure."),
    ("review", 4, "Lovely boutique hotel in the old quarter. Small rooms but beautifully designed, and the concierge booked us a table at a restaurant we'd never have found."),
    # cross-topic: marathon trip
    ("blog", None, "Flew out for a marathon in a city I'd never seen. Ran the race on Saturday, then spent three slow days limping happily between museums and waterfront bars."),
    ("forum", None, "Road trip through the national parks next autumn. Is a campervan better value than hotels plus a rental car?"),
    ("review", 1, "Our airport transfer never showed up, and the company's phone line went straight to voicemail. We ended up paying double for a taxi."),
    ("support", None, "I'd like to request an accessible room with a roll-in shower for my stay next month. The booking form didn't have an option for it."),
    # cross-topic: snow
    ("news", None, "Heavy snowfall closed several mountain passes on Sunday, stranding holidaymakers at ski resorts until the roads could be cleared."),
    ("blog", None, "How we spent two weeks on the coast for less than a month's rent: off-season dates, guesthouses with kitchens, and buses instead of car hire."),
    ("review", 2, "Noisy street below, broken air conditioning, and a shower that alternated between scalding and freezing. The location was the only good thing."),
    ("forum", None, "Which is better for a first trip to Japan: a rail pass, or buying tickets as we go? Our route covers Tokyo, Kyoto and Hiroshima."),
    ("support", None, "Please cancel my reservation for the weekend of the 21st. According to the confirmation email I'm within the free cancellation window."),
    ("review", 5, "The overnight ferry cabin was compact but spotless, and waking up to the fjords sliding past the porthole felt like a dream."),
    ("news", None, "The country has relaxed its entry rules, allowing visitors from forty more nations to arrive without a visa for stays of up to thirty days."),
    ("blog", None, "Hotel breakfasts reveal everything about a place. A buttery croissant, strong coffee and someone who refills your cup unasked: a good sign for the whole stay."),
]

PETS = [
    ("forum", None, "Our rescue greyhound won't climb the stairs and cries when we go up to bed. Should we let him sleep downstairs or help him learn?"),
    ("review", 5, "The cat ignored every other scratching post we bought, but she's shredded this sisal tower daily since it arrived. The sofa is finally safe."),
    ("blog", None, "Bringing a kitten home? Start with one small room: litter tray, food, water and a hiding spot. Let her explore the rest of the house once she's confident."),
    ("news", None, "The animal shelter has waived adoption fees for older dogs this month, hoping to find homes for the seniors that have waited longest."),
    ("support", None, "My order of grain-free kibble arrived with a torn bag and half of it spilled in the box. Please send a replacement."),
    ("forum", None, "My cat has suddenly started peeing outside the litter box. Nothing has changed at home. Behaviour issue, or should I see the vet?"),
    ("forum", None, "Vet first. Sudden changes like that are often a urinary infection or bladder problem, and they can turn serious quickly, especially in male cats."),
    ("review", 2, "The retractable lead jammed twice on our first walk, and the lock button is too stiff to press quickly when a bike comes past."),
    ("blog", None, "Teaching recall with a long line and the tastiest treats changed our walks. Now our spaniel comes sprinting back mid-sniff, at least most of the time."),
    ("news", None, "Vets are warning owners about xylitol, a sweetener found in some sugar-free peanut butters, which can be fatal to dogs even in small amounts."),
    ("review", 4, "The self-cleaning litter box does what it promises and the smell is much better. It's loud at night, though, so one of our cats now avoids it."),
    ("forum", None, "Best way to introduce a new puppy to a ten-year-old cat? She has ruled this house alone for years and I don't want her stressed."),
    # cross-topic: device bug
    ("support", None, "I set up the automatic feeder, but it dispensed the whole day's food at 3 a.m. Is there a firmware fix for the scheduling problem?"),
    ("blog", None, "Our old tabby sleeps most of the day now, in the one square of sunlight that crawls across the living room floor. We move her blanket to follow it."),
    ("review", 1, "The flea collar gave our dog a rash around his neck within three days and didn't seem to kill a single flea."),
    ("news", None, "Under a new microchipping rule, every cat over twenty weeks old must be chipped and registered, and owners who don't comply face fines."),
    ("forum", None, "How do you trim a terrier's nails when he thrashes like a fish? We tried treats, a towel wrap, everything."),
    ("blog", None, "Fostering kittens is heartbreak and joy in equal measure. This litter of four arrived underweight and scared, and three weeks later they're climbing the curtains."),
    ("review", 3, "Nice sturdy crate that folds flat for travel, but the plastic tray underneath slides out whenever the puppy moves around."),
    ("support", None, "Can I bring my dog to the grooming appointment an hour later on Thursday? He'll still need the full wash and de-shed treatment."),
    ("forum", None, "Is wet food better than dry for an indoor cat who barely drinks water? She's five and a bit overweight."),
    ("news", None, "A lost collie was reunited with its family after wandering nearly eighty kilometres over two weeks, identified by a microchip at a farm clinic."),
    ("review", 5, "Tough chew toy that has survived our Staffie for over a month, which is a record. Easy to stuff with treats and easy to wash."),
    ("blog", None, "Walking in the rain builds character, mostly the owner's. The dog doesn't care; he dives into every puddle and comes home looking like a swamp monster."),
    ("forum", None, "My cat brings me dead mice every morning. Is she trying to feed me, or teach me to hunt? Either way, I'd like her to stop."),
    ("review", 2, "The carrier's door latch broke on the way to the vet and our very unhappy passenger almost escaped in the car park."),
    # cross-topic: insurance portal
    ("support", None, "The pet insurance portal won't let me upload the vet invoice for my dog's surgery. It says the file type isn't supported, but it's a normal PDF."),
    ("blog", None, "Separation anxiety doesn't fix itself. We started by leaving our rescue alone for thirty seconds, then two minutes, then ten, building up over weeks with a puzzle feeder."),
    ("news", None, "A charity's mobile clinic will offer free neutering for cats in rural villages this spring, aiming to reduce the number of strays."),
    ("forum", None, "Twelve-week-old puppy bites everything, including our ankles. When does this stage end?"),
    ("review", 4, "Soft, washable orthopaedic bed. Our arthritic Labrador settles on it straight away and gets up more easily in the mornings. The cover zip is flimsy."),
    ("blog", None, "Cats aren't aloof, they're just subtle. The slow blink from across the room, the tail held up like a question mark: that's affection in their language."),
    ("support", None, "I signed up for the monthly treat box for a small dog, but the chews you sent are huge and far too hard for him. Can I change the size?"),
    ("forum", None, "Our two cats suddenly started fighting after one came home from the vet. They've lived together for years. What's going on?"),
    ("forum", None, "She probably smells like the clinic. Keep them apart for a day, rub a towel on both to mix their scents, and reintroduce them gradually."),
    ("news", None, "A city park has opened a fenced area where dogs can run off the lead, after residents complained about conflicts with joggers and cyclists."),
    ("review", 3, "The grooming brush pulls loads of undercoat from our husky, but the bristles are sharp enough that he wriggles away after a minute."),
    ("blog", None, "Hiking with a dog means planning around water. Ours drinks far more than I'd expect on a warm day, so I carry a collapsible bowl and an extra litre."),
    ("review", 5, "The pet fountain finally got our picky cat drinking properly. Quiet pump, easy to dismantle for cleaning, and the filter lasts about a month."),
    ("news", None, "Shelters report a spike in surrendered dogs as owners who adopted during the lockdown years return to the office full time.", 2022),
]

HEALTH = [
    ("blog", None, "Week six of the beginner running plan and I jogged thirty minutes without stopping for the first time. Two months ago I was out of breath climbing the stairs."),
    ("forum", None, "Sharp pain on the outside of my knee after about five kilometres of running. Is this IT band trouble, and should I stop completely?"),
    ("review", 4, "These adjustable dumbbells save loads of space in my flat. Changing weights takes seconds, though the dial sticks occasionally at the heavier settings."),
    ("news", None, "Adults who walked at least seven thousand steps a day had a noticeably lower risk of heart disease, according to a large study that followed participants for a decade."),
    ("blog", None, "Deadlift form, in short: bar over mid-foot, hips back, chest proud, and push the floor away rather than thinking about pulling the bar up."),
    ("support", None, "My gym membership was supposed to be frozen while I recover from surgery, but I was charged again this month. Please pause the payments as agreed."),
    ("forum", None, "How much protein do I actually need if I'm lifting three times a week? The numbers online range from sensible to absurd."),
    ("review", 2, "The fitness tracker's heart-rate readings jump around wildly during intervals, sometimes showing 180 when I'm barely jogging. Useless for zone training."),
    ("blog", None, "I used to skip stretching. Then came a torn calf muscle and six weeks on crutches. Now ten minutes of mobility work before every session is non-negotiable."),
    ("news", None, "The health ministry launched a campaign encouraging office workers to stand up and move for a few minutes every half hour to counter long periods of sitting."),
    ("forum", None, "Does it matter whether I do cardio before or after weights? My trainer and my friend give opposite advice."),
    ("review", 5, "Thick, non-slip yoga mat that stays flat and doesn't smell of rubber. My wrists feel much better during long holds in plank."),
    ("blog", None, "Sleep is the performance enhancer nobody wants to hear about. When I started getting eight hours, my lifts went up and my evening sugar cravings vanished."),
    ("news", None, "The city marathon saw record participation this year, and organisers added extra water stations after temperatures climbed above twenty-five degrees."),
    ("forum", None, "My lower back aches after a day at my desk. Are there simple exercises that actually help, or is it all about the chair?"),
    ("review", 3, "The online yoga classes are calming and well taught, but the video quality drops constantly and there's no option to download sessions."),
    ("blog", None, "The beginner 5K plan took me eleven weeks instead of nine, and that's fine. Repeating a week when your legs say no isn't failure, it's training."),
    ("support", None, "I booked the Thursday spin class, but the app shows me on the waiting list even though I got a confirmation email. Do I have a bike or not?"),
    ("news", None, "Researchers found that just two short strength sessions a week were linked to better balance and fewer falls among people over sixty-five."),
    ("forum", None, "Is it bad to work the same muscles two days in a row? I love leg day and want to do it more often."),
    ("review", 1, "The resistance bands snapped within a fortnight, and one whipped back against my arm. Really poor quality rubber."),
    ("blog", None, "Swimming saved my fitness after a knee operation. No impact, full-body effort, and there's something meditative about counting lengths in silence."),
    ("forum", None, "How do you stay motivated to train in winter when it's dark at five and freezing outside? My running has dropped off completely."),
    ("news", None, "A national survey suggests fewer than a third of teenagers get the recommended hour of physical activity each day, with girls dropping out of sport earliest."),
    ("review", 4, "Supportive running shoes with plenty of cushioning for long runs. The toe box is a bit narrow for my wide feet after about fifteen kilometres."),
    ("blog", None, "Hydration isn't just about water. On long, sweaty rides I add a pinch of salt to my bottles, and the afternoon headaches have stopped."),
    # cross-topic: app data loss
    ("support", None, "The workout plan in my account reset to week one after the app update, and I've lost three months of logged sessions. Can you restore them?"),
    ("forum", None, "Plateaued at the same bench press weight for two months. Deload, change the rep scheme, or just eat more?"),
    ("news", None, "A council-funded outdoor gym opened in the riverside park, with pull-up bars, parallel bars and balance beams free for residents to use."),
    ("review", 5, "The kettlebell has a smooth handle that doesn't tear up my palms, and the flat base keeps it steady for renegade rows."),
    ("blog", None, "Walking meetings have become my secret weapon. Two calls a day on foot adds six kilometres without carving out extra time."),
    ("forum", None, "Is a resting heart rate of 48 normal? I cycle a lot and feel fine, but the number looks low to me."),
    ("review", 3, "The rowing machine is smooth and quiet, but the seat gets uncomfortable after twenty minutes and the monitor is hard to read in daylight."),
    ("support", None, "Please cancel my personal training package. I've moved house and the studio is now too far away for regular sessions."),
    ("news", None, "Emergency departments reported a rise in sprained ankles and wrist fractures as thousands took up trail running and outdoor climbing."),
    ("blog", None, "My grandmother started tai chi at seventy-eight. Two years later she climbs the hill to the market without stopping and can stand on one leg for a full minute."),
    ("forum", None, "Fasted cardio in the morning: does it actually burn more fat, or is that just gym folklore?"),
    ("review", 2, "The massage gun is powerful, but the battery dies after ten minutes and the attachments pop off mid-use."),
    ("blog", None, "Rest days aren't lazy. Muscles rebuild between sessions, not during them, which is why my progress jumped when I stopped training seven days a week."),
    # cross-topic: green prescriptions
    ("news", None, "Doctors are increasingly prescribing group walks and community gardening sessions alongside medication for patients with mild depression or high blood pressure."),
]

MUSIC = [
    ("review", 5, "The band played for almost three hours and the encore had the whole arena singing. The sound was crisp even from the back of the upper tier."),
    ("forum", None, "Is it worth learning music theory as a self-taught guitarist? I can play most songs by ear, but I'm stuck when it comes to writing my own."),
    ("news", None, "The summer festival sold out in under an hour, and organisers are promising a second weekend after demand crashed the ticketing site."),
    ("blog", None, "There's something about vinyl that makes me listen properly. Side A, get up, flip the record, side B. No skipping, no shuffling, just the album as it was meant to be heard."),
    ("support", None, "I bought two standing tickets for Friday's gig but received seated e-tickets instead. Can you correct the order before the show?"),
    ("review", 2, "The noise-cancelling headphones sound muddy in the low end, and the ear cushions get uncomfortably warm after an hour."),
    ("forum", None, "Anyone else think live albums lose something? The crowd noise drowns out half the vocals and the mix always feels flat."),
    ("news", None, "A historic jazz club that has hosted late-night sessions for six decades will close next month after its lease was not renewed."),
    ("blog", None, "Joined a community choir in January without being able to read a note. Last night we sang in a candlelit church and the harmonies gave me goosebumps."),
    ("review", 4, "Beautiful-sounding acoustic guitar for the price. The action needed adjusting out of the box, but now it plays easily and stays in tune."),
    ("forum", None, "How do drummers keep such steady time for a whole set? I practise with a metronome but drift as soon as I play with the band."),
    ("news", None, "Streaming royalties for independent musicians remain tiny, a report found, with most artists earning less than a cent per play."),
    ("review", 1, "The festival campsite was a swamp, the toilets overflowed by Saturday, and the main stage sound cut out twice during the headliner."),
    ("blog", None, "The support act nobody had heard of stole the night: a trio with a cello, a drum machine and the most haunting voice I've heard in years."),
    ("support", None, "Concert postponed and I can't make the new date. How do I get a refund?"),
    ("forum", None, "Looking for albums that sound like a rainy Sunday morning. Quiet piano, soft strings, maybe some ambient electronics."),
    ("review", 3, "Our view was partly blocked by a lighting rig, but the orchestra was superb and the acoustics in the hall are wonderful."),
    ("news", None, "The city orchestra will perform free open-air concerts in five neighbourhood parks this summer, including a programme of film scores."),
    ("blog", None, "Writing a song is mostly rewriting. The chorus of my latest one started life as a verse, and the best line came from a voice memo I almost deleted."),
    ("forum", None, "Which is easier for an adult beginner, piano or violin? I'm in my forties and have always regretted never learning an instrument."),
    ("review", 5, "These earplugs for gigs cut the volume without muffling the music. I left a loud rock show with no ringing in my ears for the first time ever."),
    # cross-topic: app bug
    ("support", None, "My streaming subscription keeps skipping to the next track halfway through songs on my phone. I've reinstalled the app twice."),
    ("blog", None, "The first time I heard a brass band play in a village square, the sound bounced off every stone wall and went straight into my chest."),
    ("news", None, "Vinyl record sales have risen for yet another year, with independent shops reporting strong demand from listeners under twenty-five."),
    ("forum", None, "Recommendations for a small mixing desk for a four-piece band rehearsing in a garage? Nothing fancy, just clean vocals over the amps."),
    ("review", 2, "The turntable's auto-return arm drops the needle too hard, and there's an audible hum through the speakers when the volume is up."),
    ("blog", None, "Saw them in a tiny pub ten years ago with thirty people in the room. Last night they filled a stadium, and they still played that first single the same way."),
    ("news", None, "A teenage composer's piece for strings and electronics won the national young musicians' prize, praised by the judges for its daring structure."),
    ("forum", None, "How early should I queue for a general admission show if I want to be near the barrier? Doors open at seven."),
    ("review", 4, "The portable speaker has a surprisingly full sound for its size and survived a drizzly picnic. The bass distorts a little at full volume."),
    ("support", None, "The venue's accessibility page says a companion ticket is free, but the checkout charged me for both. Please refund the second ticket."),
    ("blog", None, "Learning jazz standards on the saxophone has made me a better listener. Now I hear the chord changes underneath the melody instead of just the tune."),
    ("forum", None, "Went to an open mic night for the first time and my hands shook so much I fluffed the opening chords. How do you deal with stage fright?"),
    ("news", None, "The opera house unveiled its restored organ on Saturday, the pipes cleaned and rebuilt after five years of painstaking work."),
    ("review", 3, "Enjoyable festival with a great line-up, but food queues took forty minutes and a pint cost twice what it does in town."),
    # cross-topic: holiday
    ("blog", None, "A summer festival in the Alps turned out to be the best holiday of my life: a string quartet at dawn beside a lake, and folk bands in the village hall every night."),
    ("review", 5, "Gorgeous reissue of a classic soul album. Heavy pressing, quiet surfaces, and liner notes full of studio photographs I'd never seen."),
    ("forum", None, "Does anyone know why my electric guitar buzzes only when I'm not touching the strings? The noise vanishes when my hand rests on the bridge."),
    ("support", None, "I signed up for the beginner ukulele course but haven't received login details for the video lessons. Could you resend them?"),
    ("news", None, "A songwriting camp for refugee teenagers ended with a public performance in which participants sang in five different languages."),
]

CLIMATE = [
    ("news", None, "Forecasters have issued an amber warning for heavy rain across the north, with up to eighty millimetres expected on high ground by Sunday night."),
    ("forum", None, "Is it just me, or are springs getting warmer and wetter? My own records show the last frost arriving three weeks earlier than a decade ago."),
    # cross-topic: travel to a glacier
    ("blog", None, "Standing at the glacier's edge, our guide pointed to a marker two kilometres down the valley. That's where the ice ended when her father was born."),
    ("news", None, "Last month was the warmest on record globally, extending a run of exceptional heat that scientists attribute mainly to greenhouse gas emissions."),
    ("forum", None, "Why do weather apps disagree so much? One says sunny with a light breeze tomorrow, another says thunderstorms all afternoon."),
    ("forum", None, "They often use different forecast models and update at different times. For showery days, check the rainfall radar an hour ahead rather than the daily icon."),
    ("review", 4, "The home weather station is easy to set up and the outdoor sensor matches the airport readings closely. The rain gauge clogs with leaves occasionally."),
    ("news", None, "Flood defences held along most of the river overnight, but several low-lying streets were evacuated as water levels peaked just below the barrier."),
    ("blog", None, "Cumulonimbus clouds are the giants of the sky. When you see that flat anvil top spreading out on a summer afternoon, a thunderstorm is usually less than an hour away."),
    ("forum", None, "How do scientists know what temperatures were like thousands of years ago? Surely nobody had thermometers back then."),
    ("forum", None, "Ice cores, mostly. Trapped air bubbles and the ratio of oxygen isotopes in the ice record past temperatures and carbon dioxide levels."),
    ("news", None, "Wildfire smoke drifted hundreds of kilometres south, turning skies orange and prompting health warnings for people with asthma."),
    ("review", 2, "The 'storm-proof' umbrella inverted in the first gust and two spokes snapped. So much for the wind-tunnel testing on the box."),
    ("blog", None, "Heat in the city is unequal. On a thirty-five degree afternoon, our treeless street measured six degrees hotter than the leafy park just four blocks away."),
    ("news", None, "Reservoir levels have fallen to forty percent of capacity after the driest spring in half a century, and water companies are considering further restrictions."),
    ("forum", None, "We've had hail the size of marbles three times this summer. Is that unusual for a temperate coastal area?"),
    # cross-topic: app notification bug
    ("support", None, "The severe weather alerts on the forecast app stopped coming through after I updated my phone. Notifications are switched on for everything."),
    ("blog", None, "Sea level rise isn't an abstract graph in our town. The promenade floods at every spring tide now, and the old steps down to the beach are always half underwater."),
    ("news", None, "Delegates at the climate summit agreed to triple renewable energy capacity by the end of the decade, though critics said commitments on fossil fuels remain vague.", 2023),
    ("review", 5, "Excellent little thermometer-hygrometer. It showed how damp our bedroom really was and helped us tackle the mould with better ventilation."),
    ("forum", None, "What actually causes a heat dome? We've been stuck above 38°C for nine days and the forecast shows no end."),
    ("blog", None, "Fog rolled in from the sea this morning so thick I couldn't see the end of the pier. By noon it had burned off into a clear, blazing afternoon."),
    ("news", None, "Scientists report that Arctic sea ice reached its lowest winter maximum since satellite measurements began."),
    ("forum", None, "Does one cold winter disprove global warming? My uncle says so every time it snows."),
    ("forum", None, "Weather is what happens on a given day; climate is the long-term average. A cold snap sits on top of a warming trend, it doesn't cancel it."),
    ("review", 3, "The emergency radio picks up weather broadcasts well, but the hand crank is stiff and the built-in torch is dim."),
    ("news", None, "A tropical storm strengthened into a category three hurricane overnight and is expected to make landfall along the coast by Wednesday morning."),
    ("blog", None, "Every morning for five years I've jotted down the temperature, the wind and the sky in a notebook by the back door. The patterns that emerge are quietly astonishing: the first frost creeping later each autumn, wet spells lasting longer, and the blustery spring weeks arriving almost a fortnight early."),
    ("support", None, "I'm subscribed to the pollen and air quality forecast emails, but they've been arriving a day late all week. Can you check the mailing schedule?"),
    ("news", None, "Farmers in the southern plains say three consecutive years of drought have forced them to sell livestock and leave fields unplanted."),
    ("forum", None, "Is there any point in cutting my own carbon footprint when big industries emit so much? Asking seriously, not trying to start a fight."),
    ("blog", None, "The swallows left our valley early this September, and an old farmer told me it meant a hard frost. Two days later the car windscreen was white."),
    ("review", 4, "Good rain gauge with clear markings. It sits on a fence post and is easy to read from the kitchen window, though the plastic may yellow in strong sun."),
    ("news", None, "A freak tornado touched down on the edge of town on Tuesday afternoon, tearing roofs off barns and uprooting trees but causing no injuries."),
    ("forum", None, "Why is it so much more humid before a thunderstorm? The air feels like soup, and then suddenly it cools after the rain."),
    ("blog", None, "Thawing permafrost is releasing methane that has been locked away for thousands of years, a feedback loop that could accelerate warming beyond current projections."),
    ("news", None, "Meteorologists expect a cold snap next week, with overnight lows of minus twelve and a risk of freezing rain on untreated roads."),
    ("review", 1, "The solar-powered weather display lost its connection to the outdoor sensor every night and showed temperatures that were obviously wrong."),
    ("forum", None, "Anyone tracking this year's monsoon? Our rainfall total is already double the seasonal average and the river is higher than I've ever seen."),
    ("blog", None, "Cities are painting roofs white and planting street trees to cool neighbourhoods during heatwaves. It sounds simple, but the measured drop in surface temperature is impressive."),
]

DIY = [
    ("forum", None, "The kitchen tap drips constantly even when fully closed. Is it a washer job, or do I need to replace the whole cartridge?"),
    ("blog", None, "Patching a hole in plasterboard is easier than it looks: cut a neat square, screw a backing batten behind it, fit a new piece, then tape, fill and sand."),
    ("review", 5, "This cordless drill handled masonry, timber and metal without breaking a sweat. The two batteries lasted a full weekend of putting up shelves."),
    ("support", None, "The replacement hinges you sent don't match the screw holes in my cabinet doors. Could you confirm which model fits a 35mm cup?"),
    ("news", None, "A government grant will cover up to half the cost of loft insulation and draught-proofing for older homes, with applications opening next month."),
    ("forum", None, "Paint keeps peeling off the bathroom ceiling within months of redecorating. Is it damp, the wrong paint, or poor prep?"),
    ("forum", None, "Probably all three. Wash off the mould, let it dry fully, prime with a stain-blocker, then use a proper bathroom paint and run the extractor fan."),
    ("review", 2, "The tile cutter's scoring wheel was blunt out of the box and cracked three of my porcelain tiles before I gave up and hired a wet saw."),
    ("blog", None, "Regrouting the shower took a weekend and cost less than a takeaway. Scrape out the old grout, vacuum the dust, press the new stuff in diagonally, and wipe off the haze before it sets."),
    ("news", None, "A building safety review found that many rented homes still lack working smoke alarms, and landlords face new fines for failing to fit them."),
    ("forum", None, "How do I find a stud in an old lath-and-plaster wall? The magnetic finder beeps everywhere and I don't want to hang a mirror on nothing."),
    ("review", 4, "Solid spirit level, accurate and easy to read, and the magnetic edge is handy on metal frames. It's longer than I need for small jobs."),
    ("support", None, "My boiler shows a low-pressure fault code every few days. I top it up with the filling loop, but the needle drops again. Can an engineer come out?"),
    ("blog", None, "Before painting, spend twice as long on preparation as you think you need. Filling, sanding and masking are boring, but they decide whether the finish looks professional."),
    ("forum", None, "The front door sticks at the top corner every winter and swings freely in summer. Plane it down or adjust the hinges?"),
    ("review", 1, "The adhesive hooks promised to hold five kilos on tiles. The towel rail fell off overnight and chipped the basin."),
    # cross-topic: wet weather
    ("news", None, "Hardware stores report a surge in sales of dehumidifiers and mould-removal products following weeks of wet, mild weather."),
    ("blog", None, "Bleeding radiators is the easiest heating fix there is. Turn the heating off, open the valve with a key until water spits, close it, and check the boiler pressure afterwards."),
    ("forum", None, "The extension lead under the rug got hot and now one of the wall sockets doesn't work. Should I call an electrician or check the fuse first?"),
    ("review", 3, "The laminate flooring clicks together nicely and looks convincing, but several boards had chipped edges and the underlay was sold separately."),
    ("support", None, "The flat-pack wardrobe is missing two cam locks, and one of the side panels has a split along the edge. How do I get the parts?"),
    ("blog", None, "Sash windows don't have to be replaced. We stripped ours, renewed the cords and added brush seals, and the draughts are gone while the original glass stays."),
    ("forum", None, "The silicone around the bath has gone black and mouldy. Can I just run new sealant over the top?"),
    ("forum", None, "Don't. Cut the old bead out completely, clean with spirit, let it dry, and fill the bath with water before sealing so the joint doesn't crack when it's used."),
    ("news", None, "A community repair café has opened in the library basement, where volunteers fix toasters, lamps and wobbly chairs for free every second Saturday."),
    ("review", 5, "Superb sanding block with replaceable sheets. It took an old dresser back to bare wood in an afternoon, and my hands weren't numb afterwards."),
    ("forum", None, "Is it safe to replace a light fitting myself? I've switched off the breaker, but the wiring in the ceiling rose looks like spaghetti."),
    ("support", None, "The paint you mixed for me dried a noticeably darker shade than the sample card. Could you check the formula on my order?"),
    ("blog", None, "A wobbly kitchen table is usually just a loose joint. Squeeze wood glue into the gap, clamp it overnight, and it'll be sturdier than the day you bought it."),
    ("review", 4, "The stud detector finds joists reliably and also warns about live cables, which gave me confidence before drilling into the hallway wall."),
    ("news", None, "Hundreds of homes on a new estate were found to have faulty roof membranes, and the developer has agreed to repair the leaks at no cost to owners."),
    # cross-topic: storm damage
    ("forum", None, "A fence panel blew down in last night's storm and the concrete post is cracked at the base. Repair it or replace the post?"),
    ("blog", None, "Fixing a running toilet cost me the price of a coffee. The flapper valve had warped, so water trickled into the bowl day and night. Swapped it in ten minutes."),
    ("review", 2, "The pressure washer lost power after the third use and now just dribbles. The patio is half clean, which looks worse than before."),
    ("support", None, "I booked a handyman to mount a television bracket but nobody turned up during the slot. Can we rearrange for Saturday morning?"),
    ("forum", None, "Putting up floating shelves on a plasterboard wall. Will heavy-duty cavity anchors hold books, or do I need to find the studs?"),
    ("news", None, "Rising material costs have pushed up the price of a typical kitchen renovation by nearly a fifth, builders say, with timber and copper piping worst affected."),
    ("blog", None, "Restoring the façade of our old terraced house meant learning to repoint brickwork with lime mortar. Slow work, but the walls can finally breathe again."),
    ("review", 3, "The caulking gun is fine for occasional use, but the trigger mechanism slips and leaves blobs on the last third of each tube."),
    ("forum", None, "Hairline cracks keep appearing above the doorframes in our new-build. Settlement, or something I should worry about?"),
]

CATEGORIES = {
    "cooking & recipes": COOKING,
    "personal finance": FINANCE,
    "football (soccer)": FOOTBALL,
    "astronomy & space": ASTRONOMY,
    "gardening": GARDENING,
    "software bugs & IT support": IT_SUPPORT,
    "travel & hotels": TRAVEL,
    "pets (dogs and cats)": PETS,
    "health & fitness": HEALTH,
    "music & concerts": MUSIC,
    "climate & weather": CLIMATE,
    "home repair & DIY": DIY,
}

SOURCES = {"review", "news", "forum", "support", "blog"}
YEARS = (2015, 2025)
WORDS = (12, 60)
PER_CATEGORY = 40
SEED = 20250101
OUT = Path(__file__).with_name("sample_corpus.csv")


def build_rows() -> list[dict]:
    rng = random.Random(SEED)
    rows = []
    for category, entries in CATEGORIES.items():
        assert len(entries) == PER_CATEGORY, (category, len(entries))
        for entry in entries:
            source, rating, text = entry[:3]
            earliest = entry[3] if len(entry) > 3 else YEARS[0]
            assert source in SOURCES, (category, source)
            assert (rating is not None) == (source == "review"), (category, text)
            assert rating is None or 1 <= rating <= 5
            n_words = len(text.split())
            assert WORDS[0] <= n_words <= WORDS[1], (n_words, text)
            rows.append({
                "text": text,
                "category": category,
                "source": source,
                "year": rng.randint(earliest, YEARS[1]),
                "rating": "" if rating is None else rating,
            })
    texts = [r["text"] for r in rows]
    assert len(set(texts)) == len(texts), "duplicate text"
    rng.shuffle(rows)  # mix the topics, as a real export would be
    return rows


def main() -> None:
    rows = build_rows()
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["text", "category", "source", "year", "rating"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
