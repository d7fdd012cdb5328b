<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="vi_VN">
<context>
    <name>Banner</name>
    <message>
        <source>Đã kiểm tra thẻ (Enter)</source>
        <translation>Card checked (Enter)</translation>
    </message>
    <message>
        <source>Đóng (Esc)</source>
        <translation>Close (Esc)</translation>
    </message>
</context>
<context>
    <name>ConfirmPage</name>
    <message>
        <source>Số thứ tự của bạn</source>
        <translation>Your number</translation>
    </message>
    <message>
        <source>Xong</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>In lại</source>
        <translation>Print again</translation>
    </message>
    <message>
        <source>Màn hình tự quay lại sau {n} giây</source>
        <translation>This screen goes back in {n} seconds</translation>
    </message>
    <message>
        <source>ƯU TIÊN</source>
        <translation>PRIORITY</translation>
    </message>
    <message>
        <source>Số người đang chờ trước bạn: {n}</source>
        <translation>People waiting before you: {n}</translation>
    </message>
    <message>
        <source>Giờ lấy số: {time}</source>
        <translation>Issued at: {time}</translation>
    </message>
    <message>
        <source>Đang in phiếu…</source>
        <translation>Printing your ticket…</translation>
    </message>
    <message>
        <source>Mời nhận phiếu</source>
        <translation>Please take your ticket</translation>
    </message>
    <message>
        <source>Không in được phiếu. Vui lòng ghi nhớ số thứ tự của bạn: {number}</source>
        <translation>The ticket could not be printed. Please remember your number: {number}</translation>
    </message>
    <message>
        <source>Vui lòng báo cán bộ tại quầy.</source>
        <translation>Please tell the staff at the counter.</translation>
    </message>
</context>
<context>
    <name>FeedbackPage</name>
    <message>
        <source>Đang gửi…</source>
        <translation>Sending…</translation>
    </message>
    <message>
        <source>Số điện thoại chưa đúng. Vui lòng nhập số di động 10 chữ số (ví dụ 0912 345 678) hoặc số cố định có mã vùng, hoặc để trống.</source>
        <translation>This phone number is not right. Please enter a 10-digit mobile number (for example 0912 345 678) or a landline number with its area code, or leave it empty.</translation>
    </message>
    <message>
        <source>Vui lòng nhập nội dung phản ánh (ít nhất {min} ký tự).</source>
        <translation>Please write your feedback (at least {min} characters).</translation>
    </message>
    <message>
        <source>Nội dung quá dài: tối đa {max} ký tự.</source>
        <translation>Your text is too long: at most {max} characters.</translation>
    </message>
    <message>
        <source>Vui lòng chọn nội dung cần phản ánh.</source>
        <translation>Please choose what your feedback is about.</translation>
    </message>
    <message>
        <source>{n}/{max} ký tự</source>
        <translation>{n}/{max} characters</translation>
    </message>
    <message>
        <source>Quay lại</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Phản ánh, kiến nghị</source>
        <translation>Feedback and proposals</translation>
    </message>
    <message>
        <source>Chọn nội dung ông/bà muốn phản ánh, kiến nghị. Ý kiến được gửi đến cơ quan có thẩm quyền xem xét.</source>
        <translation>Choose what your feedback is about. It is sent to the competent authority for consideration.</translation>
    </message>
    <message>
        <source>Nhập nội dung phản ánh, kiến nghị (ít nhất {min} ký tự)…</source>
        <translation>Type your feedback (at least {min} characters)…</translation>
    </message>
    <message>
        <source>Tiếp tục</source>
        <translation>Continue</translation>
    </message>
    <message>
        <source>Số điện thoại liên hệ</source>
        <translation>Contact phone number</translation>
    </message>
    <message>
        <source>Không bắt buộc. Để lại số nếu ông/bà muốn được trả lời; số điện thoại chỉ dùng để liên hệ về phản ánh này.</source>
        <translation>Optional. Leave a number if you would like an answer; it is used only to contact you about this feedback.</translation>
    </message>
    <message>
        <source>Ví dụ: 0912345678</source>
        <translation>For example: 0912345678</translation>
    </message>
    <message>
        <source>Gửi phản ánh</source>
        <translation>Send feedback</translation>
    </message>
    <message>
        <source>Cảm ơn ông/bà đã gửi phản ánh, kiến nghị!</source>
        <translation>Thank you for your feedback!</translation>
    </message>
    <message>
        <source>Ý kiến của ông/bà đã được ghi nhận và sẽ được chuyển đến cơ quan có thẩm quyền.</source>
        <translation>Your feedback has been recorded and will be passed on to the competent authority.</translation>
    </message>
    <message>
        <source>Xong</source>
        <translation>Done</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <source>Thứ Hai</source>
        <translation>Monday</translation>
    </message>
    <message>
        <source>Thứ Ba</source>
        <translation>Tuesday</translation>
    </message>
    <message>
        <source>Thứ Tư</source>
        <translation>Wednesday</translation>
    </message>
    <message>
        <source>Thứ Năm</source>
        <translation>Thursday</translation>
    </message>
    <message>
        <source>Thứ Sáu</source>
        <translation>Friday</translation>
    </message>
    <message>
        <source>Thứ Bảy</source>
        <translation>Saturday</translation>
    </message>
    <message>
        <source>Chủ Nhật</source>
        <translation>Sunday</translation>
    </message>
</context>
<context>
    <name>LookupPage</name>
    <message>
        <source>Mã chưa đúng. Nhập mã tra cứu 6 ký tự in đậm trên giấy hẹn (ví dụ ACD 7KM), hoặc mã hồ sơ dưới mã vạch (có thể chỉ nhập phần cuối: 260115-0007).</source>
        <translation>That code is not right. Type the 6-character look-up code printed in bold on your receipt (for example ACD 7KM), or the dossier code under the barcode (the end is enough: 260115-0007).</translation>
    </message>
    <message>
        <source>Đây là mã căn cước, vui lòng quét mã trên giấy hẹn</source>
        <translation>This is an ID card code. Please scan the code on your receipt</translation>
    </message>
    <message>
        <source>Không đọc được mã vừa quét. Vui lòng quét lại mã vạch trên giấy hẹn trả kết quả.</source>
        <translation>The code you scanned could not be read. Please scan the barcode on your receipt again.</translation>
    </message>
    <message>
        <source>Mã vừa quét không phải mã hồ sơ. Vui lòng quét mã vạch trên giấy hẹn trả kết quả.</source>
        <translation>The code you scanned is not a dossier code. Please scan the barcode on your receipt.</translation>
    </message>
    <message>
        <source>Đang tra cứu…</source>
        <translation>Looking up…</translation>
    </message>
    <message>
        <source>Không tìm thấy hồ sơ có mã {code}. Vui lòng kiểm tra lại mã trên giấy hẹn hoặc hỏi cán bộ tại quầy.</source>
        <translation>No dossier with the code {code}. Please check the code on your receipt or ask the staff at the counter.</translation>
    </message>
    <message>
        <source>Đưa mã vạch trên giấy hẹn vào máy quét</source>
        <translation>Hold the barcode on your receipt to the scanner</translation>
    </message>
    <message>
        <source>Tra cứu hồ sơ</source>
        <translation>Check a dossier</translation>
    </message>
    <message>
        <source>Quay lại</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>hoặc nhập mã tra cứu 6 ký tự in đậm trên giấy hẹn bằng bàn phím dưới đây</source>
        <translation>or type the 6-character look-up code printed in bold on your receipt on the keyboard below</translation>
    </message>
    <message>
        <source>Ví dụ: ACD 7KM</source>
        <translation>For example: ACD 7KM</translation>
    </message>
    <message>
        <source>Tra cứu</source>
        <translation>Look up</translation>
    </message>
    <message>
        <source>Tra cứu hồ sơ khác</source>
        <translation>Check another dossier</translation>
    </message>
    <message>
        <source>Xong</source>
        <translation>Done</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <source>Xóa</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Xóa một ký tự</source>
        <translation>Delete one character</translation>
    </message>
    <message>
        <source>Xóa hết</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>Dấu cách</source>
        <translation>Space</translation>
    </message>
    <message>
        <source>Chữ hoa</source>
        <translation>Capital</translation>
    </message>
    <message>
        <source>Dấu %1</source>
        <translation>Tone mark %1</translation>
    </message>
    <message>
        <source>Telex
Bật</source>
        <translation>Telex
On</translation>
    </message>
    <message>
        <source>Telex
Tắt</source>
        <translation>Telex
Off</translation>
    </message>
</context>
<context>
    <name>OutOfServicePage</name>
    <message>
        <source>Tạm ngừng cấp số thứ tự.</source>
        <translation>Number issuing paused.</translation>
    </message>
    <message>
        <source>Máy in đang gặp sự cố, vui lòng liên hệ cán bộ tại quầy.</source>
        <translation>The ticket printer has a problem. Please ask the staff at the counter.</translation>
    </message>
    <message>
        <source>Máy sẽ tự hoạt động lại khi máy in sẵn sàng.</source>
        <translation>The kiosk starts again by itself when the printer is ready.</translation>
    </message>
    <message>
        <source>Vẫn có thể tra cứu hồ sơ và gửi phản ánh:</source>
        <translation>You can still check a dossier or send feedback:</translation>
    </message>
    <message>
        <source>Tra cứu hồ sơ</source>
        <translation>Check a dossier</translation>
    </message>
    <message>
        <source>Quét mã trên giấy hẹn tại đây</source>
        <translation>Scan the code on your receipt here</translation>
    </message>
    <message>
        <source>Phản ánh, kiến nghị</source>
        <translation>Feedback and proposals</translation>
    </message>
    <message>
        <source>Góp ý về thủ tục, phục vụ</source>
        <translation>About procedures and service</translation>
    </message>
</context>
<context>
    <name>RatingView</name>
    <message>
        <source>Màn hình tự đóng sau {n} giây</source>
        <translation>This screen closes in {n} seconds</translation>
    </message>
    <message>
        <source>Quầy số {n}</source>
        <translation>Counter {n}</translation>
    </message>
    <message>
        <source>Cán bộ: {name}</source>
        <translation>Officer: {name}</translation>
    </message>
    <message>
        <source>Số thứ tự {number}</source>
        <translation>Number {number}</translation>
    </message>
    <message>
        <source>Ông/bà có hài lòng với sự phục vụ?</source>
        <translation>Were you satisfied with the service?</translation>
    </message>
    <message>
        <source>Ông/bà chưa hài lòng về điều gì?</source>
        <translation>What were you not satisfied with?</translation>
    </message>
    <message>
        <source>Chọn một hoặc nhiều lý do, rồi bấm “Gửi đánh giá”.</source>
        <translation>Choose one or more reasons, then tap “Send rating”.</translation>
    </message>
    <message>
        <source>Quay lại</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Gửi đánh giá</source>
        <translation>Send rating</translation>
    </message>
    <message>
        <source>Cảm ơn ông/bà đã đánh giá!</source>
        <translation>Thank you for your rating!</translation>
    </message>
    <message>
        <source>Ý kiến của ông/bà giúp chúng tôi phục vụ tốt hơn.</source>
        <translation>Your opinion helps us serve you better.</translation>
    </message>
    <message>
        <source>Mời ông/bà đánh giá sau khi được phục vụ</source>
        <translation>Please rate our service after you have been served</translation>
    </message>
</context>
<context>
    <name>RatingWindow</name>
    <message>
        <source>Đánh giá mức độ hài lòng – Quầy số {n}</source>
        <translation>Satisfaction rating – Counter {n}</translation>
    </message>
    <message>
        <source>Quầy số {n}</source>
        <translation>Counter {n}</translation>
    </message>
    <message>
        <source>Sau khi được phục vụ, mời ông/bà đánh giá sự hài lòng tại đây.</source>
        <translation>After you have been served, please rate your satisfaction here.</translation>
    </message>
</context>
<context>
    <name>ResultCard</name>
    <message>
        <source>Mã hồ sơ: {code}</source>
        <translation>Dossier code: {code}</translation>
    </message>
    <message>
        <source>Ngày hẹn trả kết quả</source>
        <translation>Result due on</translation>
    </message>
    <message>
        <source>Ngày nhận hồ sơ</source>
        <translation>Received on</translation>
    </message>
    <message>
        <source>Chủ hồ sơ</source>
        <translation>Dossier holder</translation>
    </message>
    <message>
        <source>Đã trả kết quả ngày</source>
        <translation>Result handed over on</translation>
    </message>
    <message>
        <source>Nơi trả kết quả</source>
        <translation>Collect the result at</translation>
    </message>
</context>
<context>
    <name>SelfService</name>
    <message>
        <source>Hệ thống đang bận, vui lòng thử lại sau ít phút hoặc hỏi cán bộ tại quầy.</source>
        <translation>The system is busy. Please try again in a few minutes or ask the staff at the counter.</translation>
    </message>
</context>
<context>
    <name>ServiceButton</name>
    <message>
        <source>Đang chờ: {n}</source>
        <translation>Waiting: {n}</translation>
    </message>
    <message>
        <source>Mở lúc {when}</source>
        <translation>Opens {when}</translation>
    </message>
    <message>
        <source>Ngoài giờ tiếp nhận</source>
        <translation>Closed now</translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <source>Ưu tiên: {who}. Mời chọn dịch vụ.</source>
        <translation>Priority: {who}. Please choose a service.</translation>
    </message>
    <message>
        <source>Mời chọn dịch vụ</source>
        <translation>Please choose a service</translation>
    </message>
    <message>
        <source>Ưu tiên: chạm vào đối tượng, rồi chọn dịch vụ</source>
        <translation>Priority: tap who you are, then the service</translation>
    </message>
    <message>
        <source>Bỏ ưu tiên</source>
        <translation>Cancel priority</translation>
    </message>
    <message>
        <source>Tra cứu hồ sơ</source>
        <translation>Check a dossier</translation>
    </message>
    <message>
        <source>Quét giấy hẹn ngay tại máy này</source>
        <translation>Scan your receipt right here</translation>
    </message>
    <message>
        <source>Phản ánh, kiến nghị</source>
        <translation>Feedback and proposals</translation>
    </message>
    <message>
        <source>Góp ý về thủ tục, phục vụ</source>
        <translation>About procedures and service</translation>
    </message>
</context>
<context>
    <name>TicketScreen</name>
    <message>
        <source>Không cấp được số thứ tự. Vui lòng thử lại hoặc liên hệ cán bộ tại quầy.</source>
        <translation>Could not issue a number. Please try again or ask the staff at the counter.</translation>
    </message>
    <message>
        <source>{name}: không tiếp nhận tại máy này.</source>
        <translation>{name}: not available at this kiosk.</translation>
    </message>
    <message>
        <source>Thứ Hai</source>
        <translation>Mon</translation>
    </message>
    <message>
        <source>Thứ Ba</source>
        <translation>Tue</translation>
    </message>
    <message>
        <source>Thứ Tư</source>
        <translation>Wed</translation>
    </message>
    <message>
        <source>Thứ Năm</source>
        <translation>Thu</translation>
    </message>
    <message>
        <source>Thứ Sáu</source>
        <translation>Fri</translation>
    </message>
    <message>
        <source>Thứ Bảy</source>
        <translation>Sat</translation>
    </message>
    <message>
        <source>Chủ Nhật</source>
        <translation>Sun</translation>
    </message>
    <message>
        <source>{name}: ngoài giờ tiếp nhận. Mời quay lại lúc {when}.</source>
        <translation>{name}: closed now. Opens at {when}.</translation>
    </message>
</context>
</TS>
